"""Generate partner course files of any size (CSV and Turtle) for the validation benchmark.

    python bench/generate_partner_data.py 10000 /tmp/courses-10000

writes courses.csv (semicolon separated, UTF-8 with BOM, as Swedish Excel saves
it) and courses.ttl (the same courses as Turtle). Every course refers to
providers, regions, skills and qualifications of the curated data, so the files
validate clean against a store built from ontology/ and data/.
"""

from __future__ import annotations

import csv
import io
import random
import sys
from pathlib import Path

import pyoxigraph as ox

from battkg.ingest import read_partner_file
from battkg.namespaces import Iris

PROVIDERS = [
    "yrkeshogskolan-skelleftea", "skelleftea-vuxenutbildning", "campus-skelleftea",
    "lulea-tekniska-universitet", "centria",
]  # fmt: skip
REGIONS = ["SE331", "SE332", "FI195", "FI1D5", "NO071"]
SKILLS = [
    "f83e61e0-cb73-4a6a-b266-c4be03fb30eb", "334e3e49-fb02-4051-809a-f06adfdc1c40",
    "8a4e99e0-f259-4931-888f-604cfdc15b31", "6cb9c23b-e3bc-4917-b588-26c4cef9d920",
    "electrode-slurry-mixing", "electrode-coating-and-drying",
]  # fmt: skip
QUALIFICATIONS = ["se-kvalificerad-yrkeshogskoleexamen", "se-gymnasieexamen-vocational"]
HEADER = [
    "id", "name_en", "name_sv", "provider", "region", "municipality", "languages", "mode",
    "duration_weeks", "credits", "credit_system", "places_per_year", "publicly_funded",
    "start_dates", "skills_taught", "qualification", "entry_eqf_level", "entry_skills",
    "entry_prior_learning", "entry_min_experience_years", "url",
]  # fmt: skip


def course_rows(n: int, seed: int = 7) -> list[list[str]]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        prior = rng.random() < 0.5
        rows.append([
            f"gen-course-{i:06d}", f"Battery course {i}", f"Batterikurs {i}", rng.choice(PROVIDERS),
            rng.choice(REGIONS), "Skellefteå", rng.choice(["sv", "sv|en", "fi", "nb"]),
            rng.choice(["on-site", "online", "blended"]), f"{rng.randint(2, 80)},5",
            str(rng.randint(10, 400)), rng.choice(["yh", "ects"]), str(rng.randint(10, 60)),
            rng.choice(["true", "false"]), f"2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
            "|".join(rng.sample(SKILLS, 3)), rng.choice(QUALIFICATIONS), str(rng.randint(2, 6)),
            rng.choice(SKILLS) if rng.random() < 0.3 else "", "true" if prior else "false",
            "2" if prior else "", f"https://example.org/course/{i}",
        ])  # fmt: skip
    return rows


def write_files(n: int, folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(course_rows(n))
    csv_path = folder / "courses.csv"
    csv_path.write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))
    partner = read_partner_file(csv_path.read_bytes(), "courses.csv", Iris())
    ttl_path = folder / "courses.ttl"
    with ttl_path.open("wb") as out:
        ox.serialize(
            sorted((ox.Triple(q.subject, q.predicate, q.object) for q in partner.quads), key=str),
            out,
            ox.RdfFormat.TURTLE,
            prefixes={
                "bkg": "https://w3id.org/battkg/ontology#",
                "course": "https://w3id.org/battkg/id/course/",
                "req": "https://w3id.org/battkg/id/requirement/",
                "xsd": "http://www.w3.org/2001/XMLSchema#",
            },
        )
    return csv_path, ttl_path


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(f"/tmp/battkg-courses-{count}")
    for path in write_files(count, target):
        print(path, path.stat().st_size)

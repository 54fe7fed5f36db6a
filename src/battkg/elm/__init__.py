"""battkg's training offer as a European Learning Model (ELM v3) dataset.

The mapping is data: the SPARQL CONSTRUCT files in queries/elm/ turn battkg's courses, providers,
qualifications and skills into ELM. This package runs them, leaves out what the LOQ application
profile could not accept (queries/elm/incomplete.rq says why), describes the dataset in DCAT and
reads ELM files back into battkg's model (`from_elm`).
"""

from .export import ELM_QUERIES, ElmExport, LeftOut, elm_export

__all__ = ["ELM_QUERIES", "ElmExport", "LeftOut", "elm_export"]

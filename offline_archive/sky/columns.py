"""Column descriptions of the CAOM observation and product tables, as ``columnsconfig`` serves them.

The types decide how astroquery sends a criterion (a ``{min, max}`` range for float/double
columns, discrete strings otherwise) and how it types the result columns.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    datatype: str  # char, double, float, int, long, boolean
    description: str
    unit: str = ""
    example: str = ""
    separator: str | None = None

    @property
    def result_type(self) -> str:
        """The type name used in the ``fields`` list of a result."""
        return {"char": "string", "double": "float", "long": "string"}.get(self.datatype, self.datatype)

    @property
    def continuous(self) -> bool:
        return self.datatype in ("double", "float")

    def config(self, order: int) -> dict[str, object]:
        entry: dict[str, object] = {
            "text": self.label,
            "order": order,
            "vot.datatype": self.datatype,
            "vot.ID": self.name,
            "vot.name": self.name,
            "vot.description": self.description,
        }
        if self.unit:
            entry["vot.unit"] = self.unit
            entry["unit"] = self.unit
        if self.example:
            entry["example"] = self.example
        if self.separator:
            entry["separator"] = self.separator
        return entry


CAOM_COLUMNS: tuple[Column, ...] = (
    Column(
        "intentType",
        "Observation Type",
        "char",
        "Whether observation is for science or calibration.",
        example="Valid values: science, calibration",
    ),
    Column(
        "obs_collection",
        "Mission",
        "char",
        "Collection",
        example="E.g. HST, TESS, GALEX, SWIFT, K2",
        separator=";",
    ),
    Column(
        "provenance_name",
        "Provenance Name",
        "char",
        "Provenance name, or source of data",
        example="E.g. SPOC, CALWF3, TESS-SPOC",
    ),
    Column(
        "instrument_name", "Instrument", "char", "Instrument Name", example="E.g. WFPC2/WFC, UVOT, STIS/CCD"
    ),
    Column(
        "project",
        "Project",
        "char",
        "Processing project",
        example="E.g. HST, HLA, EUVE, hlsp_legus",
        separator=";",
    ),
    Column(
        "filters",
        "Filters",
        "char",
        "Instrument filters",
        example="F469N, NUV, FUV, LOW DISP, MIRROR",
        separator=";",
    ),
    Column("wave_region", "Wave Region", "char", "Energy Band", example="EUV, XRAY, OPTICAL", separator=";"),
    Column("target_name", "Target Name", "char", "Target Name", example="Ex. COMET-67P-CHURYUMOV-GER-UPDATE"),
    Column(
        "target_classification",
        "Target Classification",
        "char",
        "Type of target",
        example="Ex. COMET;COMET BEING ORBITED BY THE ROSETTA SPACECRAFT;SOLAR SYSTEM",
        separator=";",
    ),
    Column(
        "obs_id",
        "Observation ID",
        "char",
        "Observation identifier, given by mission",
        example="U24Z0101T, N4QF18030",
    ),
    Column(
        "s_ra",
        "RA",
        "double",
        "Observation Right Ascension",
        unit="deg",
        example="May be displayed in the Portal as hh:mm:ss.sss, but should be searched as decimal",
    ),
    Column(
        "s_dec",
        "Dec",
        "double",
        "Observation Declination",
        unit="deg",
        example="May be displayed in the Portal as hh:mm:ss.sss, but should be searched as decimal",
    ),
    Column(
        "dataproduct_type",
        "Product Type",
        "char",
        "Type of product",
        example="Valid values: IMAGE, SPECTRUM, SED, TIMESERIES, VISIBILITY, EVENTLIST, CUBE, CATALOG",
    ),
    Column(
        "proposal_pi",
        "Principal Investigator",
        "char",
        "Principal investigator's last name",
        example="Chander, Chu, Malkin",
    ),
    Column(
        "calib_level",
        "Calibration Level",
        "int",
        "Calibration level",
        example="0 = raw, 1 = uncalibrated, 2 = calibrated, 3 = science product, 4 = contributed",
    ),
    Column(
        "t_min",
        "Start Time",
        "double",
        "Observation start datetime",
        unit="MJD",
        example="May be displayed in the Portal as YYYY-MM-DD HH:MM, but should be searched as MJD",
    ),
    Column(
        "t_max",
        "End Time",
        "double",
        "Observation end datetime",
        unit="MJD",
        example="May be displayed in the Portal as YYYY-MM-DD HH:MM, but should be searched as MJD",
    ),
    Column("t_exptime", "Exposure Length", "double", "Exposure time", unit="sec"),
    Column(
        "wavelength_region", "Waveband", "char", "Energy Band", example="EUV, XRAY, OPTICAL", separator=";"
    ),
    Column("em_min", "Min. Wavelength", "double", "Minimum Wavelength", unit="nm"),
    Column("em_max", "Max. Wavelength", "double", "Maximum Wavelength", unit="nm"),
    Column(
        "obs_title",
        "Observation Title",
        "char",
        "Observation description from proposal",
        example="Age-dating Star Clusters in M101",
    ),
    Column("t_obs_release", "Release Date", "double", "Dataset release date", unit="MJD"),
    Column("proposal_id", "Proposal ID", "char", "Proposal ID"),
    Column(
        "proposal_type", "Proposal Type", "char", "Type of telescope proposal", example="Eg. GO, GTO, DDT"
    ),
    Column(
        "sequence_number",
        "Sequence Number",
        "int",
        "Sequence number, e.g. the TESS sector",
        example="Integer, e.g. 27",
    ),
    Column(
        "s_region",
        "s_region",
        "char",
        "STC/S Footprint",
        unit="ICRS Shape",
        example="Will be ICRS circle or polygon. E.g. CIRCLE ICRS 17.71740689 -58.40043015 0.625",
    ),
    Column("jpegURL", "jpegURL", "char", "Preview Image URL"),
    Column("dataURL", "Data URL", "char", "Data URL"),
    Column("dataRights", "Data Rights", "char", "Data Rights", example="PUBLIC, EXCLUSIVE_ACCESS"),
    Column("mtFlag", "Moving Target", "boolean", "Moving Target Flag"),
    Column("srcDen", "Associated Catalogs", "double", "Number of cataloged objects found in observation"),
    Column(
        "obsid",
        "Product Group ID",
        "long",
        "Database identifier for obs_id",
        example="Long integer, e.g. 2007590987",
    ),
    Column(
        "objID",
        "Object ID",
        "long",
        "Plane ID of observation at given calibration level",
        example="Long integer, e.g. 2012969445",
    ),
    Column("wave_min", "Min. Wavelength", "double", "Minimum wavelength", unit="nm"),
    Column("wave_max", "Max. Wavelength", "double", "Maximum wavelength", unit="nm"),
)
"""The columns of a ``Mast.Caom.Filtered`` answer in MAST's order of 2026: ``wave_region`` after
``filters``, ``wavelength_region`` moved after ``t_exptime``, ``wave_min`` and ``wave_max`` last.
Source: spacetelescope/mast_notebooks@a8a1d491 _sources/notebooks/multi_mission/cloud_data_access/
cloud_data_access.ipynb cell 3, executed 2026-08-03 (``Observations.query_criteria``; kept as a
fact in tests/fidelity/test_caom.py)."""

#: Columns a cone search (``Mast.Caom.Cone``) leaves out: no ``objID`` since 2023 (the same
#: notebook's ``query_region`` answers of 2023-10-12 and 2024-05-02 end ``obsid, distance``).
CONE_OMITS = frozenset({"objID"})

DISTANCE = Column(
    "distance",
    'Distance (")',
    "double",
    "Angular separation between searched coordinates and the observation's footprint",
    unit="arcsec",
)

PRODUCT_COLUMNS: tuple[Column, ...] = (
    Column("obsID", "Product Group ID", "long", "Database identifier for the observation the product is in"),
    Column("obs_collection", "Mission", "char", "Collection"),
    Column("dataproduct_type", "Product Type", "char", "Type of product"),
    Column("obs_id", "Observation ID", "char", "Observation identifier, given by mission"),
    Column("description", "Description", "char", "File description"),
    Column("type", "Type", "char", "S = science, C = calibration"),
    Column("dataURI", "Data URI", "char", "Data access URI of the file"),
    Column("productType", "Product Type", "char", "SCIENCE, CALIBRATION, AUXILIARY, PREVIEW, INFO"),
    Column(
        "productGroupDescription", "Product Group", "char", "Product group, e.g. Minimum Recommended Products"
    ),
    Column("productSubGroupDescription", "Product Subgroup", "char", "Product subgroup, e.g. LC, TP, DVT"),
    Column("productDocumentationURL", "Product Documentation", "char", "Documentation URL"),
    Column("project", "Project", "char", "Processing project"),
    Column("prvversion", "Provenance Version", "char", "Version of the pipeline that made the file"),
    Column("proposal_id", "Proposal ID", "char", "Proposal ID"),
    Column("productFilename", "Filename", "char", "File name"),
    Column("size", "Size", "int", "File size in bytes", unit="bytes"),
    Column(
        "parent_obsid", "Parent Product Group ID", "long", "Database identifier of the parent observation"
    ),
    Column("dataRights", "Data Rights", "char", "Data Rights"),
    Column("calib_level", "Calibration Level", "int", "Calibration level"),
    Column("filters", "Filters", "char", "Instrument filters"),
)

#: The TESS Input Catalog columns the archive serves (a subset of the 89 of the real TIC), for the
#: stars of its sky that have a TIC number: ``Catalogs.query_criteria(catalog="TIC", ...)``.
TIC_COLUMNS: tuple[Column, ...] = (
    Column("ID", "TIC ID", "char", "TESS Input Catalog identifier"),
    Column("ra", "RA", "double", "Right ascension (J2000, epoch 2000)", unit="deg"),
    Column("dec", "Dec", "double", "Declination (J2000, epoch 2000)", unit="deg"),
    Column("objType", "Object Type", "char", "STAR or EXTENDED"),
    Column("Tmag", "TESS Mag.", "double", "TESS magnitude", unit="mag"),
    Column("Teff", "Teff", "double", "Effective temperature", unit="K"),
    Column("rad", "Radius", "double", "Stellar radius", unit="solRad"),
)

SELECTED = {"text": "selected", "add": True, "type": "boolean", "hidden": True}


def columns_config(columns: tuple[Column, ...]) -> dict[str, dict[str, object]]:
    """The ``columnsconfig`` answer for a table: one entry per column, plus ``_selected_``."""
    config: dict[str, dict[str, object]] = {"_selected_": SELECTED}
    for order, column in enumerate(columns):
        config[column.name] = column.config(order)
    return config


def fields(columns: tuple[Column, ...]) -> list[dict[str, str]]:
    """The ``fields`` list of a result table (``_selected_`` last, as the portal does)."""
    return [{"name": c.name, "type": c.result_type} for c in columns] + [
        {"name": "_selected_", "type": "boolean"}
    ]

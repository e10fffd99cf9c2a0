//! Graph stage: the RDF vocabularies the knowledge graph uses, one `const`
//! module per namespace, and the prefixes written into Turtle and JSON-LD.
//! The mapping from the library to these terms is documented in
//! `docs/graph-vocabulary.md`.

/// Prefixes for Turtle, the compacted JSON-LD context and query output,
/// sorted by prefix.
pub const PREFIXES: &[(&str, &str)] = &[
    ("cito", cito::NS),
    ("codemeta", codemeta::NS),
    ("dcat", dcat::NS),
    ("dcterms", dcterms::NS),
    ("fair4ml", fair4ml::NS),
    ("geo", geo::NS),
    ("prov", prov::NS),
    ("rdf", rdf::NS),
    ("rdfs", rdfs::NS),
    ("schema", schema::NS),
    ("spdx", spdx::NS),
    ("xsd", xsd::NS),
];

macro_rules! terms {
    ($ns:literal; $($name:ident = $local:literal),* $(,)?) => {
        /// The namespace IRI.
        pub const NS: &str = $ns;
        $(
            #[doc = concat!("`", $ns, $local, "`")]
            pub const $name: &str = concat!($ns, $local);
        )*
    };
}

/// RDF.
pub mod rdf {
    terms!("http://www.w3.org/1999/02/22-rdf-syntax-ns#"; TYPE = "type");
}

/// RDF Schema.
pub mod rdfs {
    terms!("http://www.w3.org/2000/01/rdf-schema#"; LABEL = "label", SEE_ALSO = "seeAlso");
}

/// XML Schema datatypes.
pub mod xsd {
    terms!("http://www.w3.org/2001/XMLSchema#";
        BOOLEAN = "boolean", DATE = "date", DATE_TIME = "dateTime", G_YEAR = "gYear",
        G_YEAR_MONTH = "gYearMonth", DURATION = "duration", ANY_URI = "anyURI");
}

/// DCAT 3.
pub mod dcat {
    terms!("http://www.w3.org/ns/dcat#";
        CATALOG = "Catalog", DATASET = "Dataset", DISTRIBUTION = "Distribution",
        DATASET_P = "dataset", DISTRIBUTION_P = "distribution", ACCESS_URL = "accessURL",
        LANDING_PAGE = "landingPage", KEYWORD = "keyword", BBOX = "bbox",
        START_DATE = "startDate", END_DATE = "endDate", TEMPORAL_RESOLUTION = "temporalResolution");
}

/// Dublin Core terms.
pub mod dcterms {
    terms!("http://purl.org/dc/terms/";
        TITLE = "title", DESCRIPTION = "description", LICENSE = "license",
        IDENTIFIER = "identifier", FORMAT = "format", TEMPORAL = "temporal", SPATIAL = "spatial",
        PERIOD_OF_TIME = "PeriodOfTime", LOCATION = "Location", LICENSE_DOCUMENT = "LicenseDocument",
        REFERENCES = "references", PUBLISHER = "publisher", ISSUED = "issued",
        ACCESS_RIGHTS = "accessRights");
}

/// schema.org (the `http` namespace, as schema.org's own JSON-LD context maps it).
pub mod schema {
    terms!("http://schema.org/";
        DATASET = "Dataset", DATA_CATALOG = "DataCatalog", DATA_DOWNLOAD = "DataDownload",
        PROPERTY_VALUE = "PropertyValue", PLACE = "Place", GEO_SHAPE = "GeoShape",
        PERSON = "Person", ORGANIZATION = "Organization", SCHOLARLY_ARTICLE = "ScholarlyArticle",
        SOFTWARE_SOURCE_CODE = "SoftwareSourceCode", COURSE = "Course",
        LEARNING_RESOURCE = "LearningResource", CREATIVE_WORK = "CreativeWork",
        NAME = "name", DESCRIPTION = "description", URL = "url", IDENTIFIER = "identifier",
        LICENSE = "license", CREATOR = "creator", AUTHOR = "author", MAINTAINER = "maintainer",
        PROVIDER = "provider", KEYWORDS = "keywords", VARIABLE_MEASURED = "variableMeasured",
        PROPERTY_ID = "propertyID", UNIT_TEXT = "unitText", SPATIAL_COVERAGE = "spatialCoverage",
        TEMPORAL_COVERAGE = "temporalCoverage", GEO = "geo", BOX = "box",
        DISTRIBUTION = "distribution", ENCODING_FORMAT = "encodingFormat",
        CONTENT_URL = "contentUrl", INCLUDED_IN_DATA_CATALOG = "includedInDataCatalog",
        DATASET_P = "dataset", CITATION = "citation", IS_ACCESSIBLE_FOR_FREE = "isAccessibleForFree",
        SAME_AS = "sameAs", AFFILIATION = "affiliation", DATE_PUBLISHED = "datePublished",
        CODE_REPOSITORY = "codeRepository",
        PROGRAMMING_LANGUAGE = "programmingLanguage", VERSION = "version",
        EDUCATIONAL_LEVEL = "educationalLevel", HAS_PART = "hasPart",
        THUMBNAIL_URL = "thumbnailUrl");
}

/// PROV-O.
pub mod prov {
    terms!("http://www.w3.org/ns/prov#";
        ENTITY = "Entity", ACTIVITY = "Activity", PLAN = "Plan", ASSOCIATION = "Association",
        WAS_GENERATED_BY = "wasGeneratedBy", WAS_DERIVED_FROM = "wasDerivedFrom",
        USED = "used", ENDED_AT_TIME = "endedAtTime", QUALIFIED_ASSOCIATION = "qualifiedAssociation",
        HAD_PLAN = "hadPlan", SPECIALIZATION_OF = "specializationOf",
        WAS_INFLUENCED_BY = "wasInfluencedBy");
}

/// CiTO, the Citation Typing Ontology.
pub mod cito {
    terms!("http://purl.org/spar/cito/";
        USES_DATA_FROM = "usesDataFrom", CITES_AS_DATA_SOURCE = "citesAsDataSource",
        CITES = "cites");
}

/// CodeMeta 3 terms that schema.org lacks.
pub mod codemeta {
    terms!("https://codemeta.github.io/terms/";
        REFERENCE_PUBLICATION = "referencePublication", HAS_SOURCE_CODE = "hasSourceCode");
}

/// FAIR4ML, metadata for machine-learning models.
pub mod fair4ml {
    terms!("https://w3id.org/fair4ml#";
        ML_MODEL = "MLModel", TRAINED_ON = "trainedOn", EVALUATED_ON = "evaluatedOn",
        ML_TASK = "mlTask", MODEL_CATEGORY = "modelCategory");
}

/// GeoSPARQL (for `dcat:bbox` literals).
pub mod geo {
    terms!("http://www.opengis.net/ont/geosparql#"; WKT_LITERAL = "wktLiteral");
}

/// SPDX licence list.
pub mod spdx {
    terms!("http://spdx.org/licenses/";);
}

/// The IRI of a prefixed name (`dcat:Dataset`), or `None` for an unknown prefix.
#[must_use]
pub fn expand(prefixed: &str) -> Option<String> {
    let (prefix, local) = prefixed.split_once(':')?;
    PREFIXES
        .iter()
        .find(|(p, _)| *p == prefix)
        .map(|(_, ns)| format!("{ns}{local}"))
}

/// `prefix:local` for an IRI in a known namespace whose local part is a
/// plain name (letters, digits, `_`, `-`, `.` inside), else `None`.
#[must_use]
pub fn compact(iri: &str) -> Option<String> {
    PREFIXES.iter().find_map(|(prefix, ns)| {
        let local = iri.strip_prefix(ns)?;
        let plain = !local.is_empty()
            && local
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
            && local
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
            && !local.ends_with('.');
        plain.then(|| format!("{prefix}:{local}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_and_prefixes() {
        assert_eq!(dcat::DATASET, "http://www.w3.org/ns/dcat#Dataset");
        assert_eq!(compact(dcat::DATASET).as_deref(), Some("dcat:Dataset"));
        assert_eq!(
            compact("http://spdx.org/licenses/CC-BY-4.0").as_deref(),
            Some("spdx:CC-BY-4.0")
        );
        assert_eq!(compact("https://doi.org/10.1/x"), None);
        assert_eq!(expand("prov:used").as_deref(), Some(prov::USED));
        let mut sorted = PREFIXES.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, PREFIXES);
    }
}

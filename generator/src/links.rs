//! Every link between entities of a resolved library, as typed edges, with
//! the inverse view for "used by" lists. Pages use it now; the graph stage
//! maps the same relations to RDF predicates.

use std::collections::BTreeMap;

use almanac_model::{Agent, EntityKind, EntityRef, Library, Reference};

/// How one entity relates to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Relation {
    /// Paper → dataset (`cito:usesDataFrom`).
    UsesData,
    /// Paper → model.
    UsesModel,
    /// Paper, model or course → code.
    UsesCode,
    /// Paper → paper (`cito:cites`).
    Cites,
    /// Model → dataset (`fair4ml:trainedOn`).
    TrainedOn,
    /// Model → dataset (`fair4ml:evaluatedOn`).
    EvaluatedOn,
    /// Model or code → paper that describes it.
    DescribedBy,
    /// Course → dataset, model or paper it teaches with.
    Teaches,
    /// Code → dataset it produces or reads.
    Processes,
    /// Dataset → paper to cite.
    CiteAs,
    /// Dataset → code of its feedstock.
    ProducedBy,
    /// Dataset → organisation that provides it.
    ProvidedBy,
    /// Person → organisation.
    AffiliatedWith,
    /// Paper, model or code → person.
    AuthoredBy,
    /// Course → person.
    TaughtBy,
    /// Dataset → person.
    MaintainedBy,
}

impl Relation {
    /// Heading on the source entity's page.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::UsesData => "Uses data from",
            Self::UsesModel => "Models",
            Self::UsesCode => "Code",
            Self::Cites => "Cites",
            Self::TrainedOn => "Trained on",
            Self::EvaluatedOn => "Evaluated on",
            Self::DescribedBy => "Described in",
            Self::Teaches => "Uses",
            Self::Processes => "Datasets",
            Self::CiteAs => "Cite as",
            Self::ProducedBy => "Feedstock code",
            Self::ProvidedBy => "Providers",
            Self::AffiliatedWith => "Affiliations",
            Self::AuthoredBy => "Authors",
            Self::TaughtBy => "Instructors",
            Self::MaintainedBy => "Maintainers",
        }
    }

    /// Heading on the target entity's page, for the entities that point at it.
    #[must_use]
    pub const fn inverse_label(self) -> &'static str {
        match self {
            Self::UsesData => "Papers using this data",
            Self::UsesModel => "Papers using this model",
            Self::UsesCode => "Used by",
            Self::Cites => "Cited by",
            Self::TrainedOn => "Models trained on this",
            Self::EvaluatedOn => "Models evaluated on this",
            Self::DescribedBy => "Describes",
            Self::Teaches => "Taught in",
            Self::Processes => "Code working with this",
            Self::CiteAs => "Cited for datasets",
            Self::ProducedBy => "Produces",
            Self::ProvidedBy => "Provides",
            Self::AffiliatedWith => "People",
            Self::AuthoredBy => "Authored",
            Self::TaughtBy => "Teaches",
            Self::MaintainedBy => "Maintains",
        }
    }
}

/// One link from an entity to another.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Edge {
    /// Source.
    pub from: EntityRef,
    /// How.
    pub relation: Relation,
    /// Target.
    pub to: EntityRef,
}

/// All edges of a library, indexed both ways.
#[derive(Debug, Clone, Default)]
pub struct Links {
    outgoing: BTreeMap<EntityRef, Vec<Edge>>,
    incoming: BTreeMap<EntityRef, Vec<Edge>>,
}

impl Links {
    /// Collects every edge of `library`.
    #[must_use]
    pub fn new(library: &Library) -> Self {
        let mut links = Self::default();
        for d in &library.datasets {
            let me = EntityRef::new(EntityKind::Dataset, &d.id);
            let cited: Vec<Reference> = d
                .citations
                .iter()
                .filter_map(|c| c.reference.clone())
                .collect();
            links.refs(&me, Relation::CiteAs, &cited);
        }
        for d in &library.datasets {
            let me = EntityRef::new(EntityKind::Dataset, &d.id);
            if let Some(code) = &d.feedstock.code {
                links.add(Edge {
                    from: me.clone(),
                    relation: Relation::ProducedBy,
                    to: EntityRef::new(EntityKind::Code, code),
                });
            }
            for provider in &d.providers {
                if let Some(org) = &provider.organization {
                    links.add(Edge {
                        from: me.clone(),
                        relation: Relation::ProvidedBy,
                        to: EntityRef::new(EntityKind::Organization, org),
                    });
                }
            }
            links.agents(&me, Relation::MaintainedBy, &d.maintainers);
        }
        for p in &library.papers {
            let me = EntityRef::new(EntityKind::Paper, &p.id);
            links.refs(&me, Relation::UsesData, &p.datasets);
            links.refs(&me, Relation::UsesModel, &p.models);
            links.refs(&me, Relation::UsesCode, &p.code);
            links.refs(&me, Relation::Cites, &p.cites);
            links.agents(&me, Relation::AuthoredBy, &p.authors);
        }
        for m in &library.models {
            let me = EntityRef::new(EntityKind::Model, &m.id);
            links.refs(&me, Relation::TrainedOn, &m.trained_on);
            links.refs(&me, Relation::EvaluatedOn, &m.evaluated_on);
            links.refs(&me, Relation::DescribedBy, &m.papers);
            links.refs(&me, Relation::UsesCode, &m.code);
            links.agents(&me, Relation::AuthoredBy, &m.authors);
        }
        for c in &library.courses {
            let me = EntityRef::new(EntityKind::Course, &c.id);
            links.refs(&me, Relation::Teaches, &c.datasets);
            links.refs(&me, Relation::Teaches, &c.models);
            links.refs(&me, Relation::Teaches, &c.papers);
            links.refs(&me, Relation::UsesCode, &c.code);
            links.agents(&me, Relation::TaughtBy, &c.instructors);
        }
        for c in &library.code {
            let me = EntityRef::new(EntityKind::Code, &c.id);
            links.refs(&me, Relation::Processes, &c.datasets);
            links.refs(&me, Relation::DescribedBy, &c.papers);
            links.agents(&me, Relation::AuthoredBy, &c.authors);
        }
        for p in &library.people {
            let me = EntityRef::new(EntityKind::Person, &p.id);
            links.refs(&me, Relation::AffiliatedWith, &p.affiliations);
        }
        for edges in links
            .outgoing
            .values_mut()
            .chain(links.incoming.values_mut())
        {
            edges.sort();
            edges.dedup();
        }
        links
    }

    fn add(&mut self, edge: Edge) {
        self.incoming
            .entry(edge.to.clone())
            .or_default()
            .push(edge.clone());
        self.outgoing
            .entry(edge.from.clone())
            .or_default()
            .push(edge);
    }

    fn refs(&mut self, from: &EntityRef, relation: Relation, targets: &[Reference]) {
        for target in targets.iter().filter_map(Reference::entity) {
            self.add(Edge {
                from: from.clone(),
                relation,
                to: target.clone(),
            });
        }
    }

    fn agents(&mut self, from: &EntityRef, relation: Relation, agents: &[Agent]) {
        for person in agents.iter().filter_map(|a| a.person.as_ref()) {
            self.add(Edge {
                from: from.clone(),
                relation,
                to: EntityRef::new(EntityKind::Person, person),
            });
        }
    }

    /// Edges from `entity`, sorted.
    #[must_use]
    pub fn from(&self, entity: &EntityRef) -> &[Edge] {
        self.outgoing.get(entity).map_or(&[], Vec::as_slice)
    }

    /// Edges to `entity`, sorted.
    #[must_use]
    pub fn to(&self, entity: &EntityRef) -> &[Edge] {
        self.incoming.get(entity).map_or(&[], Vec::as_slice)
    }

    /// Every edge, sorted by source.
    pub fn all(&self) -> impl Iterator<Item = &Edge> {
        self.outgoing.values().flatten()
    }
}

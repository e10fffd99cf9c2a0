//! The resolve stage: turns drafts with references as written into one
//! [`Library`] where every reference points at an entity or is external.
//!
//! Plain data in, plain data out: no I/O. Unknown ids are `unknown-reference`
//! errors; people named with an ORCID or GitHub handle but without a file of
//! their own become implicit people so that they still get a page. Every id is first
//! admitted as a file name ([`ids`]).

pub mod ids;

use std::collections::{BTreeMap, HashMap};

use almanac_model::{Agent, EntityKind, EntityRef, Library, Organization, Person, Reference};

use crate::content::fields::{AgentSpec, RefSpec, edit_distance};
use crate::content::{Draft, Loaded, file_name, identifier, person::check_orcid};
use crate::diagnostics::Diagnostics;

/// Resolves every reference in `loaded`.
pub fn resolve(loaded: Loaded, diagnostics: &mut Diagnostics) -> Library {
    let Loaded {
        label,
        datasets,
        papers,
        models,
        courses,
        code,
        people,
        organizations,
    } = loaded;
    let datasets = ids::admit(
        datasets,
        &label,
        EntityKind::Dataset,
        |d| &d.id,
        |d| &d.source_file,
        diagnostics,
    );
    let papers = ids::admit(
        papers,
        &label,
        EntityKind::Paper,
        |d| &d.id,
        |d| &d.source_file,
        diagnostics,
    );
    let models = ids::admit(
        models,
        &label,
        EntityKind::Model,
        |d| &d.id,
        |d| &d.source_file,
        diagnostics,
    );
    let courses = ids::admit(
        courses,
        &label,
        EntityKind::Course,
        |d| &d.id,
        |d| &d.source_file,
        diagnostics,
    );
    let code = ids::admit(
        code,
        &label,
        EntityKind::Code,
        |d| &d.id,
        |d| &d.source_file,
        diagnostics,
    );
    let people = ids::admit(
        people,
        &label,
        EntityKind::Person,
        |d| &d.id,
        |d| &d.source_file,
        diagnostics,
    );
    let mut organizations = ids::admit(
        organizations,
        &label,
        EntityKind::Organization,
        |d| &d.id,
        |d| &d.source_file,
        diagnostics,
    );
    let mut people = people;
    affiliations_by_name(&mut people, &mut organizations);

    let mut index = Index::default();
    for d in &datasets {
        index.add(
            EntityKind::Dataset,
            &d.entity.id,
            d.entity.doi.as_deref(),
            &[d.entity.feedstock.repository.as_deref()],
        );
    }
    for p in &papers {
        index.add(
            EntityKind::Paper,
            &p.entity.id,
            p.entity.doi.as_deref(),
            &[p.entity.url.as_deref()],
        );
    }
    for m in &models {
        index.add(
            EntityKind::Model,
            &m.entity.id,
            None,
            &[m.entity.weights.as_deref()],
        );
    }
    for c in &courses {
        index.add(
            EntityKind::Course,
            &c.entity.id,
            None,
            &[c.entity.url.as_deref()],
        );
    }
    for c in &code {
        index.add(
            EntityKind::Code,
            &c.entity.id,
            c.entity.doi.as_deref(),
            &[c.entity.repository.as_deref()],
        );
    }
    for o in &organizations {
        index.add(
            EntityKind::Organization,
            &o.entity.id,
            None,
            &[o.entity.url.as_deref()],
        );
    }

    let mut people_index = People::new(people, diagnostics);
    for p in &people_index.people {
        index.add(
            EntityKind::Person,
            &p.entity.id,
            None,
            &[p.entity.url.as_deref()],
        );
        if let Some(orcid) = &p.entity.orcid {
            index.by_key.insert(
                format!("orcid:{orcid}"),
                EntityRef::new(EntityKind::Person, &p.entity.id),
            );
        }
    }

    let mut library = Library::default();
    // Implicit people take the file of the first dataset naming them, and the first name gets
    // the plain id: go by id, so the order of a feedstock list changes nothing.
    let mut datasets = datasets;
    datasets.sort_by(|a, b| a.entity.id.cmp(&b.entity.id));
    for draft in datasets {
        let (mut dataset, refs, agents) = (draft.entity, draft.refs, draft.agents);
        dataset.maintainers = people_index.agents(&agents, &dataset.source_file, diagnostics);
        for citation in &mut dataset.citations {
            if let Some(doi) = &citation.doi {
                let spec = RefSpec {
                    field: "citations",
                    text: doi.clone(),
                    location: crate::diagnostics::Location::file(dataset.source_file.clone()),
                };
                citation.reference = index.resolve(&spec, EntityKind::Paper, diagnostics);
            }
        }
        let _ = refs;
        for provider in &mut dataset.providers {
            provider.organization = organizations
                .iter()
                .find(|o| {
                    o.entity.name.eq_ignore_ascii_case(&provider.name)
                        || o.entity.id == identifier::slug(&provider.name)
                })
                .map(|o| o.entity.id.clone());
        }
        dataset.feedstock.code = dataset
            .feedstock
            .repository
            .as_deref()
            .and_then(|repo| index.by_url(repo))
            .filter(|r| r.kind == EntityKind::Code)
            .map(|r| r.id.clone());
        library.datasets.push(dataset);
    }
    for draft in papers {
        let mut paper = draft.entity;
        paper.authors = people_index.agents(&draft.agents, &paper.source_file, diagnostics);
        paper.datasets =
            index.resolve_all(&draft.refs, "datasets", EntityKind::Dataset, diagnostics);
        paper.models = index.resolve_all(&draft.refs, "models", EntityKind::Model, diagnostics);
        paper.code = index.resolve_all(&draft.refs, "code", EntityKind::Code, diagnostics);
        paper.cites = index.resolve_all(&draft.refs, "cites", EntityKind::Paper, diagnostics);
        library.papers.push(paper);
    }
    for draft in models {
        let mut model = draft.entity;
        model.authors = people_index.agents(&draft.agents, &model.source_file, diagnostics);
        model.trained_on =
            index.resolve_all(&draft.refs, "trained_on", EntityKind::Dataset, diagnostics);
        model.evaluated_on = index.resolve_all(
            &draft.refs,
            "evaluated_on",
            EntityKind::Dataset,
            diagnostics,
        );
        model.papers = index.resolve_all(&draft.refs, "papers", EntityKind::Paper, diagnostics);
        model.code = index.resolve_all(&draft.refs, "code", EntityKind::Code, diagnostics);
        library.models.push(model);
    }
    for draft in courses {
        let mut course = draft.entity;
        course.instructors = people_index.agents(&draft.agents, &course.source_file, diagnostics);
        course.datasets =
            index.resolve_all(&draft.refs, "datasets", EntityKind::Dataset, diagnostics);
        course.models = index.resolve_all(&draft.refs, "models", EntityKind::Model, diagnostics);
        course.papers = index.resolve_all(&draft.refs, "papers", EntityKind::Paper, diagnostics);
        course.code = index.resolve_all(&draft.refs, "code", EntityKind::Code, diagnostics);
        library.courses.push(course);
    }
    for draft in code {
        let mut repo = draft.entity;
        repo.authors = people_index.agents(&draft.agents, &repo.source_file, diagnostics);
        repo.datasets =
            index.resolve_all(&draft.refs, "datasets", EntityKind::Dataset, diagnostics);
        repo.papers = index.resolve_all(&draft.refs, "papers", EntityKind::Paper, diagnostics);
        library.code.push(repo);
    }
    let person_refs: Vec<(String, Vec<RefSpec>)> = people_index
        .people
        .iter()
        .map(|p| (p.entity.id.clone(), p.refs.clone()))
        .collect();
    library.people = people_index.people.into_iter().map(|p| p.entity).collect();
    for (person, (id, refs)) in library.people.iter_mut().zip(person_refs) {
        debug_assert_eq!(person.id, id);
        person.affiliations =
            index.resolve_all(&refs, "affiliations", EntityKind::Organization, diagnostics);
    }
    library.organizations = organizations.into_iter().map(|o| o.entity).collect();

    library.datasets.sort_by(|a, b| a.id.cmp(&b.id));
    library.papers.sort_by(|a, b| a.id.cmp(&b.id));
    library.models.sort_by(|a, b| a.id.cmp(&b.id));
    library.courses.sort_by(|a, b| a.id.cmp(&b.id));
    library.code.sort_by(|a, b| a.id.cmp(&b.id));
    library.people.sort_by(|a, b| a.id.cmp(&b.id));
    library.organizations.sort_by(|a, b| a.id.cmp(&b.id));
    library
}

/// Affiliations written as organisation names (not ids) point at the
/// organisation of that name, or at a new implicit organisation with a page.
fn affiliations_by_name(
    people: &mut [Draft<Person>],
    organizations: &mut Vec<Draft<Organization>>,
) {
    for person in people.iter_mut() {
        let source_file = person.entity.source_file.clone();
        for spec in person.refs.iter_mut().filter(|r| r.field == "affiliations") {
            let text = spec.text.trim();
            if identifier::is_id(text) || text.contains("://") || identifier::doi(text).is_some() {
                continue;
            }
            let existing = organizations
                .iter()
                .find(|o| o.entity.name.eq_ignore_ascii_case(text))
                .map(|o| o.entity.id.clone());
            let id = existing.unwrap_or_else(|| {
                let id = ids::free(
                    EntityKind::Organization,
                    &identifier::slug(text),
                    "organization",
                    |candidate| {
                        let key = file_name::collision_key(candidate);
                        organizations
                            .iter()
                            .any(|o| file_name::collision_key(&o.entity.id) == key)
                    },
                );
                organizations.push(Draft::new(Organization {
                    id: id.clone(),
                    source_file: source_file.clone(),
                    name: text.to_owned(),
                    ror: None,
                    url: None,
                    description: String::new(),
                    implicit: true,
                }));
                id
            });
            spec.text = format!("organization/{id}");
        }
    }
}

/// Lookup tables from ids, DOIs and URLs to entities.
#[derive(Default)]
struct Index {
    ids: BTreeMap<(EntityKind, String), ()>,
    by_key: HashMap<String, EntityRef>,
}

impl Index {
    fn add(&mut self, kind: EntityKind, id: &str, doi: Option<&str>, urls: &[Option<&str>]) {
        self.ids.insert((kind, id.to_owned()), ());
        let target = EntityRef::new(kind, id);
        if let Some(doi) = doi {
            self.by_key
                .entry(format!("doi:{}", doi.to_lowercase()))
                .or_insert_with(|| target.clone());
        }
        for url in urls.iter().flatten() {
            self.by_key
                .entry(format!("url:{}", normalize_url(url)))
                .or_insert_with(|| target.clone());
        }
    }

    fn by_url(&self, url: &str) -> Option<&EntityRef> {
        self.by_key.get(&format!("url:{}", normalize_url(url)))
    }

    fn resolve_all(
        &self,
        refs: &[RefSpec],
        field: &str,
        expected: EntityKind,
        diagnostics: &mut Diagnostics,
    ) -> Vec<Reference> {
        let mut out: Vec<Reference> = Vec::new();
        for spec in refs.iter().filter(|r| r.field == field) {
            if let Some(reference) = self.resolve(spec, expected, diagnostics)
                && !out.contains(&reference)
            {
                out.push(reference);
            }
        }
        out
    }

    fn resolve(
        &self,
        spec: &RefSpec,
        expected: EntityKind,
        diagnostics: &mut Diagnostics,
    ) -> Option<Reference> {
        let text = spec.text.trim();
        let entity = |target: EntityRef| Some(Reference::Entity { target });
        if let Some(doi) = identifier::doi(text) {
            return match self.by_key.get(&format!("doi:{}", doi.to_lowercase())) {
                Some(target) => entity(target.clone()),
                None => Some(Reference::External {
                    url: format!("https://doi.org/{doi}"),
                    label: Some(format!("doi:{doi}")),
                }),
            };
        }
        if let identifier::Orcid::Valid(orcid) = identifier::orcid(text) {
            if let Some(target) = self.by_key.get(&format!("orcid:{orcid}")) {
                return entity(target.clone());
            }
            return Some(Reference::External {
                url: format!("https://orcid.org/{orcid}"),
                label: None,
            });
        }
        if text.starts_with("http://") || text.starts_with("https://") {
            return match self.by_url(text) {
                Some(target) => entity(target.clone()),
                None => Some(Reference::External {
                    url: text.to_owned(),
                    label: None,
                }),
            };
        }
        let (kind, id) = match text.split_once('/') {
            Some((kind, id)) => match EntityKind::parse(kind) {
                Some(kind) => (kind, id),
                None => (expected, text),
            },
            None => (expected, text),
        };
        if self.ids.contains_key(&(kind, id.to_owned())) {
            return entity(EntityRef::new(kind, id));
        }
        let suggestion = self
            .ids
            .keys()
            .filter(|(k, _)| *k == kind)
            .map(|(_, candidate)| (edit_distance(candidate, id), candidate))
            .filter(|(distance, _)| *distance <= 3)
            .min()
            .map(|(_, candidate)| candidate.clone());
        let diagnostic = diagnostics.error(
            "unknown-reference",
            spec.location.clone(),
            format!(
                "`{}` lists {} `{id}`, which the library does not have",
                spec.field,
                article(kind)
            ),
        );
        diagnostic.help = Some(match suggestion {
            Some(candidate) => format!("did you mean `{candidate}`?"),
            None => format!(
                "add content/{}/{id}, or refer to it by DOI or URL",
                kind.plural()
            ),
        });
        None
    }
}

fn article(kind: EntityKind) -> String {
    let name = kind.name();
    if name.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an {name}")
    } else {
        format!("a {name}")
    }
}

fn normalize_url(url: &str) -> String {
    url.trim()
        .trim_end_matches('/')
        .trim_end_matches(".git")
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_start_matches("www.")
        .to_lowercase()
}

/// People, declared and implicit, and how to find them.
struct People {
    people: Vec<Draft<Person>>,
}

impl People {
    fn new(people: Vec<Draft<Person>>, _diagnostics: &mut Diagnostics) -> Self {
        Self { people }
    }

    fn find(&self, test: impl Fn(&Person) -> bool) -> Option<&Person> {
        self.people.iter().map(|p| &p.entity).find(|p| test(p))
    }

    /// Resolves a list of named people, creating implicit people for those
    /// identified by ORCID or GitHub.
    fn agents(
        &mut self,
        specs: &[AgentSpec],
        source_file: &str,
        diagnostics: &mut Diagnostics,
    ) -> Vec<Agent> {
        specs
            .iter()
            .map(|spec| self.agent(spec, source_file, diagnostics))
            .collect()
    }

    fn agent(
        &mut self,
        spec: &AgentSpec,
        source_file: &str,
        diagnostics: &mut Diagnostics,
    ) -> Agent {
        let mut spec = spec.clone();
        // A bare string may be a person id or an ORCID rather than a name.
        if spec.person.is_none()
            && spec.orcid.is_none()
            && let Some(name) = spec.name.clone()
        {
            if matches!(
                identifier::orcid(&name),
                identifier::Orcid::Valid(_) | identifier::Orcid::BadChecksum(_)
            ) {
                spec.orcid = Some(name);
                spec.name = None;
            } else if identifier::is_id(&name) && self.find(|p| p.id == name).is_some() {
                spec.person = Some(name);
                spec.name = None;
            }
        }
        let orcid = spec
            .orcid
            .as_deref()
            .and_then(|text| check_orcid(text, &spec.location, diagnostics));
        let github = spec.github.as_deref().and_then(identifier::github);

        if let Some(id) = &spec.person {
            return match self.find(|p| &p.id == id) {
                Some(person) => Agent {
                    name: spec.name.clone().unwrap_or_else(|| person.name.clone()),
                    person: Some(person.id.clone()),
                },
                None => {
                    diagnostics
                        .error(
                            "unknown-reference",
                            spec.location.clone(),
                            format!(
                                "`{}` names person `{id}`, who has no file in people/",
                                spec.field
                            ),
                        )
                        .help = Some(format!("add content/people/{id}.md"));
                    Agent {
                        name: spec.name.clone().unwrap_or_else(|| id.clone()),
                        person: None,
                    }
                }
            };
        }
        let found = orcid
            .as_deref()
            .and_then(|o| self.find(|p| p.orcid.as_deref() == Some(o)))
            .or_else(|| {
                github.as_deref().and_then(|g| {
                    self.find(|p| {
                        p.github
                            .as_deref()
                            .is_some_and(|h| h.eq_ignore_ascii_case(g))
                    })
                })
            })
            .or_else(|| {
                spec.name
                    .as_deref()
                    .and_then(|n| self.find(|p| p.name.eq_ignore_ascii_case(n)))
            });
        if let Some(person) = found {
            return Agent {
                name: spec.name.clone().unwrap_or_else(|| person.name.clone()),
                person: Some(person.id.clone()),
            };
        }
        let name = spec
            .name
            .clone()
            .or_else(|| github.clone())
            .or_else(|| orcid.clone())
            .unwrap_or_default();
        if orcid.is_none() && github.is_none() {
            if identifier::is_id(&name) && !name.contains('-') && spec.field == "authors" {
                diagnostics.warning(
                    "unknown-reference",
                    spec.location.clone(),
                    format!(
                        "author `{name}` is neither a person id nor a full name; shown as written"
                    ),
                );
            }
            return Agent { name, person: None };
        }
        // Someone identified but without a file: an implicit person with a page of their own.
        let id = ids::free(
            EntityKind::Person,
            &identifier::slug(&name),
            "person",
            |candidate| {
                let key = file_name::collision_key(candidate);
                self.find(|p| file_name::collision_key(&p.id) == key)
                    .is_some()
            },
        );
        self.people.push(Draft::new(Person {
            id: id.clone(),
            source_file: source_file.to_owned(),
            name: name.clone(),
            orcid,
            github,
            url: None,
            affiliations: Vec::new(),
            bio: String::new(),
            implicit: true,
            extra: BTreeMap::new(),
        }));
        Agent {
            name,
            person: Some(id),
        }
    }
}

//! temporary dump
use std::path::Path;
use almanac::content;
use almanac::diagnostics::Diagnostics;
use almanac_model::EntityKind;

const S: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/samples");

fn dump(d: &Diagnostics) {
    for x in d.items() { println!("  {x}"); }
}

#[test]
fn dump_all() {
    for dir in ["leap", "pangeo-forge"] {
        let mut files: Vec<_> = std::fs::read_dir(Path::new(S).join(dir)).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        for f in files {
            let name = f.file_name().unwrap().to_string_lossy().to_string();
            if name.ends_with("__catalog.yaml") { continue; }
            let mut d = Diagnostics::new();
            if let Some(prefix) = name.strip_suffix("__meta.yaml") {
                let cat = f.with_file_name(format!("{prefix}__catalog.yaml"));
                let cat = cat.is_file().then_some(cat);
                let ds = content::load_dataset_folder(prefix, Some(&f), cat.as_deref(), &mut d);
                println!("== {name} (+catalog={}) title={:?} lic={:?} tags={:?} recipes={:?} extra={:?}", cat.is_some(), ds.entity.title, ds.entity.license, ds.entity.tags, ds.entity.feedstock.recipes, ds.entity.extra.keys().collect::<Vec<_>>());
                for s in &ds.entity.stores { println!("   store {} {} extra={:?}", s.id, s.url, s.extra.keys().collect::<Vec<_>>()); }
                for p in &ds.entity.providers { println!("   prov {} {:?} {:?}", p.name, p.roles, p.other_roles); }
                for a in &ds.agents { println!("   agent {:?} {:?} {:?}", a.name, a.orcid, a.github); }
            } else {
                let l = content::load_file(&f, &mut d);
                println!("== {name} ds={} code={} papers={}", l.datasets.len(), l.code.len(), l.papers.len());
                for ds in &l.datasets { println!("   ds {} lic={:?} stores={}", ds.entity.id, ds.entity.license.spdx, ds.entity.stores.len()); }
                for c in &l.code { println!("   code {} {:?}", c.entity.id, c.agents); }
            }
            dump(&d);
        }
    }
    let bib = Path::new(S).join("outputs/bibliography/zanna-research-group");
    let mut d = Diagnostics::new();
    let l = content::load_kind_folder(EntityKind::Paper, &bib.join("publication"), "publication", &mut d);
    println!("== publication papers={}", l.papers.len());
    for p in &l.papers { println!("   {} {:?} doi={:?} authors={}", p.entity.id, p.entity.title, p.entity.doi, p.agents.len()); }
    dump(&d);
    for f in ["all-2021plus.bib", "author_admin_index.md", "projects/LEAP.index.md", "projects/M2LInES.index.md", "projects/Data_Science_Climate.index.md"] {
        let mut d = Diagnostics::new();
        let l = content::load_file(&bib.join(f), &mut d);
        println!("== {f} papers={} people={}", l.papers.len(), l.people.len());
        for p in &l.papers { println!("   {} {:?} doi={:?} authors={}", p.entity.id, p.entity.title, p.entity.doi, p.agents.len()); }
        dump(&d);
    }
}

"""Interop check of the knowledge graph with Python's RDF tools.

Loads the Turtle (and the N-Triples and JSON-LD) that `almanac build` wrote
with rdflib, checks that the three files hold the same graph, validates the
Turtle with pyshacl against schemas/shacl/almanac-shapes.ttl, and checks that
the shapes catch a dataset without a licence and a person with an
ORCID iD who is not named by it.

Usage: graph_shacl.py GRAPH_DIR SHAPES_FILE
Prints one JSON object; exits 1 when a check fails.
"""

import json
import sys
from pathlib import Path

import pyshacl
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic

DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
RDF_TYPE = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")["type"]


def main() -> int:
    graph_dir = Path(sys.argv[1])
    shapes = Graph().parse(sys.argv[2], format="turtle")
    turtle = Graph().parse(graph_dir / "graph.ttl", format="turtle")
    ntriples = Graph().parse(graph_dir / "graph.nt", format="nt")
    jsonld = Graph().parse(graph_dir / "graph.jsonld", format="json-ld")
    report = {
        "triples": len(turtle),
        "ntriples_same": isomorphic(turtle, ntriples),
        "jsonld_same": isomorphic(turtle, jsonld),
    }

    conforms, _, text = pyshacl.validate(
        turtle, shacl_graph=shapes, advanced=True, allow_warnings=False
    )
    report["conforms"] = bool(conforms)
    if not conforms:
        report["violations"] = text[:4000]

    broken = Graph()
    for triple in turtle:
        broken.add(triple)
    dataset = next(iter(sorted(broken.subjects(RDF_TYPE, DCAT.Dataset))))
    broken.remove((dataset, DCTERMS.license, None))
    broken_conforms, _, _ = pyshacl.validate(
        broken, shacl_graph=shapes, advanced=True, allow_warnings=False
    )
    report["catches_missing_license"] = not broken_conforms

    # A person with an ORCID iD must be named by it.
    schema = Namespace("http://schema.org/")
    impostor = URIRef("https://almanac.invalid/people/someone/")
    named = Graph()
    for triple in turtle:
        named.add(triple)
    named.add((impostor, RDF_TYPE, schema.Person))
    named.add((impostor, schema.name, Literal("Someone")))
    named.add((impostor, schema.identifier, Literal("0000-0002-1825-0097")))
    named_conforms, _, _ = pyshacl.validate(
        named, shacl_graph=shapes, advanced=True, allow_warnings=False
    )
    report["catches_person_not_named_by_orcid"] = not named_conforms

    print(json.dumps(report, indent=2))
    ok = (
        report["ntriples_same"]
        and report["jsonld_same"]
        and report["conforms"]
        and report["catches_missing_license"]
        and report["catches_person_not_named_by_orcid"]
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

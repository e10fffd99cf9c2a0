#!/usr/bin/env python3
"""Writes the `limits-*` cases of the hostile test library (issue 12, point 4 for text
inputs): YAML alias bombs and node budgets, oversized files, deep Markdown nests and
BibTeX macro bombs. Each case is a small valid library plus one hostile file; the
expected diagnostics are written next to it. Run from anywhere:

    python3 tests/sites/hostile/make_limits_text.py
"""

from pathlib import Path
import shutil

HERE = Path(__file__).resolve().parent

CONFIG = """[site]
title = "Hostile fixture"

# These cases test content limits; their stores are not real.
[crawl]
enabled = false
"""

BASE = {
    "content/people/ada-example.md": """---
name: Ada Example
orcid: 0000-0002-1825-0097
---
Ada Example maintains the fixture dataset.
""",
    "content/papers/example-2024.md": """---
title: "Sea Ice Extent in a Minimal Library"
authors: [ada-example]
year: 2024
datasets: [sea-ice-extent]
---
A paper that uses the dataset.
""",
    "content/datasets/sea-ice-extent/meta.yaml": """title: "Arctic Sea Ice Extent"
description: "Monthly Arctic sea ice extent."
provenance:
  providers:
    - name: "Example Data Centre"
      roles: [producer, host]
  license: "CC-BY-4.0"
""",
    "content/datasets/sea-ice-extent/catalog.yaml": """tags: [sea ice]
stores:
  - id: "sea-ice-extent"
    url: "../../data/sea-ice-extent.zarr"
""",
}

BASE_PAGES = [
    "datasets/sea-ice-extent/index.html",
    "papers/example-2024/index.html",
    "people/ada-example/index.html",
]


def laughs(first_line: str) -> str:
    """Ten levels of ten aliases: 10^10 nodes if expanded, 1.3 KB of text."""
    lines = [first_line, "a0: &a0 [lol]"]
    for level in range(1, 11):
        items = ", ".join([f"*a{level - 1}"] * 10)
        lines.append(f"a{level}: &a{level} [{items}]")
    return "\n".join(lines) + "\n"


def paper(title: str, body: str) -> str:
    return f"""---
title: "{title}"
authors: [ada-example]
year: 2024
---
{body}"""


CASES = {
    # Alias expansion stops at the 4th alias of level 5 (each copies 21,111 nodes),
    # line 7 (`title` is line 1, `a0` line 2), column 25.
    "limits-yaml-billion-laughs": {
        "files": {
            "content/datasets/laughs/meta.yaml": laughs('title: "Billion laughs"'),
        },
        "expected": ["content/datasets/laughs/meta.yaml:7:25: error[yaml-alias-budget]"],
        "exit": 1,
    },
    # The same bomb in a paper's front matter: lines count from the file's first line.
    "limits-yaml-front-matter-laughs": {
        "files": {
            "content/papers/laughs-2024.md": "---\n"
            + laughs('title: "Billion laughs"')
            + "---\nBody.\n",
        },
        "expected": ["content/papers/laughs-2024.md:8:25: error[yaml-alias-budget]"],
        "exit": 1,
    },
    # `[limits] yaml_nodes` lowered: a 60-item keyword list is over it.
    "limits-yaml-node-budget": {
        "config": "\n[limits]\nyaml_nodes = 40\n",
        "files": {
            "content/datasets/many/meta.yaml": 'title: "Many keywords"\nkeywords: ['
            + ", ".join(f"k{i}" for i in range(60))
            + "]\n",
        },
        # The 41st node (mapping, title key and value, keywords key, list, k0, …) is k35,
        # at column 12 + 10·4 + 25·5.
        "expected": ["content/datasets/many/meta.yaml:2:177: error[yaml-node-budget]"],
        "exit": 1,
    },
    # Anchors nested in anchors: each keeps a copy of everything below it, so copies grow
    # as depth² (the parser stops nests at 256 levels, so the default budget holds; here it is
    # lowered). 105 nodes are made, then the copies add up from the innermost level
    # (2 + 3 + … nodes): the 41st from the inside, level 60, passes 1,000 at its `[`
    # (column 14 + 59·4).
    "limits-yaml-anchor-nest": {
        "config": "\n[limits]\nyaml_nodes = 1000\n",
        "files": {
            "content/datasets/nest/meta.yaml": 'title: "Anchor nest"\nkeywords: '
            + "&a [" * 100
            + "x"
            + "]" * 100
            + "\n",
        },
        "expected": ["content/datasets/nest/meta.yaml:2:250: error[yaml-node-budget]"],
        "exit": 1,
    },
    # `[limits] content_file_bytes` lowered: a 5 KB paper is over it.
    "limits-yaml-file-too-large": {
        "config": "\n[limits]\ncontent_file_bytes = 4096\n",
        "files": {
            "content/papers/large-2024.md": paper("Large", "Words. " * 700 + "\n"),
        },
        "expected": ["content/papers/large-2024.md: error[file-too-large]"],
        "exit": 1,
    },
    # Deep Markdown: a warning at the first markup over 64 levels; the page is still written.
    "limits-markdown-lists": {
        "files": {"content/papers/lists-2024.md": paper("Lists", "- " * 5000 + "deep\n")},
        # Each `- ` opens a list and an item: level 65 is the 33rd marker, column 65.
        "expected": ["content/papers/lists-2024.md:6:65: warning[markdown-depth]"],
        "exit": 0,
        "pages": ["papers/lists-2024/index.html"],
    },
    "limits-markdown-quotes": {
        "files": {"content/papers/quotes-2024.md": paper("Quotes", "> " * 5000 + "deep\n")},
        # Each `>` opens one quote: the 65th is at column 129.
        "expected": ["content/papers/quotes-2024.md:6:129: warning[markdown-depth]"],
        "exit": 0,
        "pages": ["papers/quotes-2024/index.html"],
    },
    "limits-markdown-html": {
        "files": {
            "content/papers/divs-2024.md": paper(
                "Divs", "Text.\n\n" + "<div>" * 5000 + "deep" + "</div>" * 5000 + "\n"
            )
        },
        # The HTML block is one event: it is shown as text, from its start.
        "expected": ["content/papers/divs-2024.md:8:1: warning[markdown-depth]"],
        "exit": 0,
        "pages": ["papers/divs-2024/index.html"],
    },
    "limits-markdown-emphasis": {
        "files": {
            "content/papers/emphasis-2024.md": paper(
                "Emphasis", "*a " * 3000 + "deep" + " b*" * 3000 + "\n"
            )
        },
        # A paragraph, then one emphasis per `*a `: the 64th emphasis is level 65.
        "expected": ["content/papers/emphasis-2024.md:6:190: warning[markdown-depth]"],
        "exit": 0,
        "pages": ["papers/emphasis-2024/index.html"],
    },
    "limits-markdown-links": {
        "files": {
            "content/papers/links-2024.md": paper(
                "Links",
                "[a " * 3000 + "deep" + "](https://example.org)" * 3000 + "\n\n"
                + '<a href="https://example.org">' * 3000 + "anchors\n",
            )
        },
        # Markdown links cannot hold links (line 6 nests nothing); raw anchors can: in a
        # paragraph (level 1), the 64th `<a …>` (30 characters each) is level 65.
        "expected": ["content/papers/links-2024.md:8:1891: warning[markdown-depth]"],
        "exit": 0,
        "pages": ["papers/links-2024/index.html"],
    },
    # A dataset description (YAML) nested too deep: the warning is at the string.
    "limits-markdown-yaml-description": {
        "files": {
            "content/datasets/deep/meta.yaml": 'title: "Deep description"\ndescription: "'
            + "> " * 3000
            + 'deep"\nprovenance:\n  license: "CC-BY-4.0"\n',
        },
        "expected": ["content/datasets/deep/meta.yaml:2:14: warning[markdown-depth]"],
        "exit": 0,
        "pages": ["datasets/deep/index.html"],
    },
    # `@string` macros that double at each level: 2^60 bytes if expanded.
    # m<k> is 8·2^k bytes; the 1 MiB budget runs out defining m17 (line 18).
    "limits-bibtex-macros": {
        "files": {
            "content/papers/macros.bib": '@string{m0 = "abcdefgh"}\n'
            + "".join(f"@string{{m{k} = m{k - 1} # m{k - 1}}}\n" for k in range(1, 60))
            + "@misc{macros-2024,\n  title = {Macro } # m59,\n  author = {Example, Ada},\n  year = 2024\n}\n",
        },
        # At the first `m16` of `@string{m17 = m16 # m16}`.
        "expected": ["content/papers/macros.bib:18:15: warning[bibtex-macro-budget]"],
        "exit": 0,
        "pages": ["papers/macros-2024/index.html"],
    },
}


def main() -> None:
    for name, case in CASES.items():
        folder = HERE / name
        if folder.exists():
            shutil.rmtree(folder)
        files = dict(BASE)
        files.update(case["files"])
        files["almanac.toml"] = CONFIG + case.get("config", "")
        files["expected.txt"] = "\n".join(case["expected"]) + "\n"
        if case["exit"] != 1:
            files["expected_exit.txt"] = f"{case['exit']}\n"
        files["expected_pages.txt"] = "\n".join(BASE_PAGES + case.get("pages", [])) + "\n"
        for path, text in files.items():
            target = folder / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)


if __name__ == "__main__":
    main()

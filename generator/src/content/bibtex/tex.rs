//! TeX in BibTeX values: author lists split into names, and accents,
//! commands and maths scripts converted to Unicode text.

/// Splits a raw author list on `and` outside braces.
pub(super) fn split_names(raw: &str) -> Vec<String> {
    let (mut names, mut current, mut word, mut depth) = (vec![], vec![], String::new(), 0usize);
    for c in raw.chars().chain([' ']) {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth > 0 || !c.is_whitespace() {
            word.push(c);
        } else if word.eq_ignore_ascii_case("and") {
            names.push(std::mem::take(&mut current).join(" "));
            word.clear();
        } else if !word.is_empty() {
            current.push(std::mem::take(&mut word));
        }
    }
    names.push(current.join(" "));
    names
}

/// "Family, Given" / "Family, Jr, Given" / "Given Family" → "Given Family[, Jr]".
pub(super) fn normalise_name(name: &str) -> String {
    let (mut parts, mut depth, mut start) = (vec![], 0usize, 0);
    for (i, c) in name.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                parts.push(tex_to_text(&name[start..i], false));
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(tex_to_text(&name[start..], false));
    let joined = match parts.as_slice() {
        [family, jr, given, ..] => format!("{given} {family}, {jr}"),
        [family, given] => format!("{given} {family}"),
        _ => parts.concat(),
    };
    let joined = joined.trim().trim_matches(',');
    joined.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Accent → (base letters, the same letters with the accent, precomposed).
pub(super) const PRECOMPOSED: [(char, &str, &str); 13] = [
    ('"', "aeiouyAEIOUY", "äëïöüÿÄËÏÖÜŸ"),
    ('\'', "aeiouyAEIOUYcnszCNSZ", "áéíóúýÁÉÍÓÚÝćńśźĆŃŚŹ"),
    ('`', "aeiouAEIOU", "àèìòùÀÈÌÒÙ"),
    ('^', "aeiouAEIOU", "âêîôûÂÊÎÔÛ"),
    ('~', "anoANO", "ãñõÃÑÕ"),
    ('=', "aeiouAEIOU", "āēīōūĀĒĪŌŪ"),
    ('.', "zZeEI", "żŻėĖİ"),
    ('c', "cCsStT", "çÇşŞţŢ"),
    ('v', "cCsSzZnNrReEdDtT", "čČšŠžŽňŇřŘěĚďĎťŤ"),
    ('u', "aAgG", "ăĂğĞ"),
    ('H', "oOuU", "őŐűŰ"),
    ('r', "aAuU", "åÅůŮ"),
    ('k', "aAeE", "ąĄęĘ"),
];
/// Accent commands and the combining marks used when no precomposed letter exists.
pub(super) const ACCENTS: &str = "\"'`^~=.cvuHrkdbt";
pub(super) const COMBINING: &str = "\u{308}\u{301}\u{300}\u{302}\u{303}\u{304}\u{307}\u{327}\u{30c}\u{306}\
                         \u{30b}\u{30a}\u{328}\u{323}\u{331}\u{361}";
/// Control words replaced by text; other control words (`\emph`, `\textit`, …) are dropped.
pub(super) const WORDS: &str = "ss=ß o=ø O=Ø ae=æ AE=Æ oe=œ OE=Œ aa=å AA=Å l=ł L=Ł i=ı j=ȷ TeX=TeX \
    LaTeX=LaTeX textendash=– textemdash=— ldots=… dots=… textdegree=° circ=° times=× pm=± \
    sim=~ approx=≈ textasciitilde=~ alpha=α beta=β gamma=γ delta=δ Delta=Δ epsilon=ε \
    theta=θ lambda=λ mu=μ pi=π sigma=σ omega=ω";

/// Turns raw BibTeX value text into plain Unicode text. `verbatim` (URLs, DOIs) only removes
/// braces and `\_`-style escapes.
pub(super) fn tex_to_text(raw: &str, verbatim: bool) -> String {
    let chars: Vec<char> = raw.chars().collect();
    let (mut out, mut math, mut i) = (String::new(), false, 0);
    while let Some(&c) = chars.get(i) {
        i += 1;
        match c {
            '{' | '}' => {}
            '\\' if verbatim => match chars.get(i) {
                Some(&n) if "_%&#$~{}".contains(n) => {
                    out.push(n);
                    i += 1;
                }
                _ => out.push('\\'),
            },
            '\\' => i = command(&chars, i, &mut out),
            '$' if !verbatim => math = !math,
            '_' | '^' if math => i = script(&chars, i, c == '_', &mut out),
            '~' if !verbatim => out.push(' '),
            c => out.push(c),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Handles the control sequence after a `\` at `i - 1`; returns the index after it.
pub(super) fn command(chars: &[char], i: usize, out: &mut String) -> usize {
    let Some(&c) = chars.get(i) else { return i };
    if !c.is_ascii_alphabetic() {
        match c {
            '"' | '\'' | '`' | '^' | '~' | '=' | '.' => return accent(chars, i + 1, c, out),
            ' ' | ',' | ';' | '\\' | '\n' => out.push(' '),
            '-' | '/' => {}
            c => out.push(c),
        }
        return i + 1;
    }
    let end = (i..chars.len())
        .find(|&j| !chars[j].is_ascii_alphabetic())
        .unwrap_or(chars.len());
    let word: String = chars[i..end].iter().collect();
    // Spaces after a control word are not text.
    let next = (end..chars.len())
        .find(|&j| !chars[j].is_whitespace())
        .unwrap_or(chars.len());
    if word.len() == 1 && "cvuHkrdbt".contains(c) {
        return accent(chars, next, c, out);
    }
    let text = WORDS
        .split_whitespace()
        .find_map(|w| w.strip_prefix(word.as_str())?.strip_prefix('='));
    out.push_str(text.unwrap_or_default());
    next
}

/// Puts accent `mark` on the letter at `i` (`{e}`, `e`, `\i`, `{\i}`); returns the index after it.
pub(super) fn accent(chars: &[char], mut i: usize, mark: char, out: &mut String) -> usize {
    let braced = chars.get(i) == Some(&'{');
    i += usize::from(braced);
    let base = match (chars.get(i), chars.get(i + 1), chars.get(i + 2)) {
        (Some('\\'), Some(&b @ ('i' | 'j')), after)
            if !after.is_some_and(char::is_ascii_alphabetic) =>
        {
            i += 2;
            Some(b)
        }
        (Some(&b), ..) if b != '}' && b != '\\' => {
            i += 1;
            Some(b)
        }
        _ => None,
    };
    i += usize::from(braced && chars.get(i) == Some(&'}'));
    let Some(base) = base else { return i };
    let precomposed = PRECOMPOSED
        .iter()
        .find(|(m, ..)| *m == mark)
        .and_then(|(_, from, to)| {
            from.chars()
                .position(|f| f == base)
                .and_then(|n| to.chars().nth(n))
        });
    let combining = ACCENTS
        .chars()
        .position(|m| m == mark)
        .and_then(|n| COMBINING.chars().nth(n));
    match (precomposed, combining) {
        (Some(letter), _) => out.push(letter),
        (None, Some(mark)) => out.extend([base, mark]),
        (None, None) => out.push(base),
    }
    i
}

/// Math-mode `_2`, `^{10}`: digits become Unicode sub/superscripts; anything else is left to the
/// caller (only the `_`/`^` is dropped).
pub(super) fn script(chars: &[char], i: usize, sub: bool, out: &mut String) -> usize {
    let (text, next) = match chars.get(i) {
        Some('{') => match (i + 1..chars.len()).find(|&j| chars[j] == '}') {
            Some(close) => (&chars[i + 1..close], close + 1),
            None => return i,
        },
        Some(_) => (&chars[i..=i], i + 1),
        None => return i,
    };
    let digits = if sub {
        "₀₁₂₃₄₅₆₇₈₉₊₋"
    } else {
        "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻"
    };
    let to_script = |c: char| "0123456789+-".find(c).and_then(|n| digits.chars().nth(n));
    match text
        .iter()
        .map(|&c| to_script(c))
        .collect::<Option<String>>()
    {
        Some(s) if !s.is_empty() => {
            out.push_str(&s);
            next
        }
        _ => i,
    }
}

//! The Porter stemmer (M. F. Porter, "An algorithm for suffix stripping", 1980), for English
//! words in lower-case ASCII. The index stores stems and queries are stemmed the same way, so
//! "temperatures" finds "temperature".

/// The Porter stem of `word`. Words that are not lower-case ASCII letters, and words of one or
/// two letters, are returned as they are.
#[must_use]
pub fn stem(word: &str) -> String {
    if word.len() <= 2 || !word.bytes().all(|b| b.is_ascii_lowercase()) {
        return word.to_owned();
    }
    let mut stemmer = Stemmer {
        b: word.as_bytes().to_vec(),
        len: word.len(),
        j: 0,
    };
    stemmer.step1ab();
    if stemmer.len > 1 {
        stemmer.step1c();
        stemmer.step2();
        stemmer.step3();
        stemmer.step4();
        stemmer.step5();
    }
    stemmer.b.truncate(stemmer.len);
    String::from_utf8(stemmer.b).unwrap_or_else(|_| word.to_owned())
}

/// The word being stemmed is `b[..len]`; `j` ends the stem before the last matched suffix.
struct Stemmer {
    b: Vec<u8>,
    len: usize,
    j: usize,
}

const STEP2: &[(&str, &str)] = &[
    ("ational", "ate"),
    ("tional", "tion"),
    ("enci", "ence"),
    ("anci", "ance"),
    ("izer", "ize"),
    ("bli", "ble"),
    ("alli", "al"),
    ("entli", "ent"),
    ("eli", "e"),
    ("ousli", "ous"),
    ("ization", "ize"),
    ("ation", "ate"),
    ("ator", "ate"),
    ("alism", "al"),
    ("iveness", "ive"),
    ("fulness", "ful"),
    ("ousness", "ous"),
    ("aliti", "al"),
    ("iviti", "ive"),
    ("biliti", "ble"),
    ("logi", "log"),
];

const STEP3: &[(&str, &str)] = &[
    ("icate", "ic"),
    ("ative", ""),
    ("alize", "al"),
    ("iciti", "ic"),
    ("ical", "ic"),
    ("ful", ""),
    ("ness", ""),
];

const STEP4: &[&str] = &[
    "al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ion", "ou",
    "ism", "ate", "iti", "ous", "ive", "ize",
];

impl Stemmer {
    fn cons(&self, i: usize) -> bool {
        match self.b[i] {
            b'a' | b'e' | b'i' | b'o' | b'u' => false,
            b'y' => i == 0 || !self.cons(i - 1),
            _ => true,
        }
    }

    /// The number of vowel-consonant sequences in `b[..j]`.
    fn m(&self) -> usize {
        let mut n = 0;
        let mut i = 0;
        while i < self.j && self.cons(i) {
            i += 1;
        }
        loop {
            while i < self.j && !self.cons(i) {
                i += 1;
            }
            if i >= self.j {
                return n;
            }
            while i < self.j && self.cons(i) {
                i += 1;
            }
            n += 1;
            if i >= self.j {
                return n;
            }
        }
    }

    fn vowel_in_stem(&self) -> bool {
        (0..self.j).any(|i| !self.cons(i))
    }

    fn double_consonant(&self, i: usize) -> bool {
        i >= 1 && self.b[i] == self.b[i - 1] && self.cons(i)
    }

    /// Consonant-vowel-consonant ending at `i`, the last not `w`, `x` or `y`.
    fn cvc(&self, i: usize) -> bool {
        i >= 2
            && self.cons(i)
            && !self.cons(i - 1)
            && self.cons(i - 2)
            && !matches!(self.b[i], b'w' | b'x' | b'y')
    }

    fn ends(&mut self, suffix: &str) -> bool {
        let suffix = suffix.as_bytes();
        if suffix.len() > self.len || !self.b[..self.len].ends_with(suffix) {
            return false;
        }
        self.j = self.len - suffix.len();
        true
    }

    fn set_to(&mut self, text: &str) {
        self.b.truncate(self.j);
        self.b.extend_from_slice(text.as_bytes());
        self.len = self.b.len();
    }

    fn replace_if_measured(&mut self, text: &str) {
        if self.m() > 0 {
            self.set_to(text);
        }
    }

    fn step1ab(&mut self) {
        if self.b[self.len - 1] == b's' {
            if self.ends("sses") {
                self.len -= 2;
            } else if self.ends("ies") {
                self.set_to("i");
            } else if self.len >= 2 && self.b[self.len - 2] != b's' {
                self.len -= 1;
            }
        }
        if self.ends("eed") {
            if self.m() > 0 {
                self.len -= 1;
            }
        } else if (self.ends("ed") || self.ends("ing")) && self.vowel_in_stem() {
            self.len = self.j;
            self.b.truncate(self.len);
            if self.ends("at") {
                self.set_to("ate");
            } else if self.ends("bl") {
                self.set_to("ble");
            } else if self.ends("iz") {
                self.set_to("ize");
            } else if self.double_consonant(self.len - 1) {
                if !matches!(self.b[self.len - 1], b'l' | b's' | b'z') {
                    self.len -= 1;
                }
            } else if self.m() == 1 && self.cvc(self.len - 1) {
                self.j = self.len;
                self.set_to("e");
            }
        }
    }

    fn step1c(&mut self) {
        if self.ends("y") && self.vowel_in_stem() {
            self.b[self.len - 1] = b'i';
        }
    }

    fn step2(&mut self) {
        if let Some((_, to)) = STEP2.iter().find(|(from, _)| self.ends(from)) {
            self.replace_if_measured(to);
        }
    }

    fn step3(&mut self) {
        if let Some((_, to)) = STEP3.iter().find(|(from, _)| self.ends(from)) {
            self.replace_if_measured(to);
        }
    }

    fn step4(&mut self) {
        let Some(suffix) = STEP4.iter().find(|suffix| self.ends(suffix)) else {
            return;
        };
        if *suffix == "ion" && !(self.j >= 1 && matches!(self.b[self.j - 1], b's' | b't')) {
            return;
        }
        if self.m() > 1 {
            self.len = self.j;
        }
    }

    fn step5(&mut self) {
        self.j = self.len;
        if self.b[self.len - 1] == b'e' {
            let m = self.m();
            if m > 1 || (m == 1 && !self.cvc(self.len - 2)) {
                self.len -= 1;
            }
        }
        self.j = self.len;
        if self.b[self.len - 1] == b'l' && self.double_consonant(self.len - 1) && self.m() > 1 {
            self.len -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::stem;

    #[test]
    fn porter_examples() {
        // From Porter's paper and the reference vocabulary.
        for (word, expected) in [
            ("caresses", "caress"),
            ("ponies", "poni"),
            ("ties", "ti"),
            ("cats", "cat"),
            ("feed", "feed"),
            ("agreed", "agre"),
            ("plastered", "plaster"),
            ("motoring", "motor"),
            ("sing", "sing"),
            ("conflated", "conflat"),
            ("troubled", "troubl"),
            ("sized", "size"),
            ("hopping", "hop"),
            ("falling", "fall"),
            ("filing", "file"),
            ("happy", "happi"),
            ("relational", "relat"),
            ("conditional", "condit"),
            ("generalizations", "gener"),
            ("oscillators", "oscil"),
            ("temperature", "temperatur"),
            ("temperatures", "temperatur"),
            ("precipitation", "precipit"),
            ("adoption", "adopt"),
            ("controlling", "control"),
            ("oceanic", "ocean"),
            ("running", "run"),
        ] {
            assert_eq!(stem(word), expected, "{word}");
        }
    }

    #[test]
    fn other_words_are_kept() {
        assert_eq!(stem("era5"), "era5");
        assert_eq!(stem("sea_surface"), "sea_surface");
        assert_eq!(stem("as"), "as");
        assert_eq!(stem("température"), "température");
    }
}

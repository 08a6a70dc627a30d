/*
 * Korean splitter and stemmer for Sphinx search: the browser half of korean_search.py.
 * Embedded into language_data.js after Snowball's EnglishStemmer; the Python side
 * replaces the SUFFIXES placeholder with its own list, so both always agree.
 */
const KO_SUFFIXES = /*SUFFIXES*/[];
const KO_MIN_STEM = 1;
const KO_MAX_STRIPS = 2;
const KO_HANGUL = /^[\uac00-\ud7a3]+$/;

var splitQuery = (query) =>
  query.match(/[\uac00-\ud7a3]+|(?:(?![\uac00-\ud7a3])[\p{L}\p{N}_])+/gu) || [];

function koStripEndings(word) {
  for (let i = 0; i < KO_MAX_STRIPS; i++) {
    const suffix = KO_SUFFIXES.find(
      (s) => word.endsWith(s) && word.length - s.length >= KO_MIN_STEM,
    );
    if (suffix === undefined) break;
    word = word.slice(0, word.length - suffix.length);
  }
  return word;
}

var Stemmer = function () {
  const english = new EnglishStemmer();
  this.stemWord = (w) => {
    w = w.toLowerCase();
    return KO_HANGUL.test(w) ? koStripEndings(w) : english.stemWord(w);
  };
};

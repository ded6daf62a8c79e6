/* Token facts of the PERSON planner in C: Planner.python_facts, the same answers.
 *
 * A token met for the first time got its facts (kind, bare form, company word, role at the head
 * of a run) from ~10,000 instructions of compiled Python: a dozen set look-ups, str methods
 * called through the interpreter, and three to five cached frequency look-ups, each a call
 * through functools.lru_cache. That was a sixth of a cold scan. Here the same decisions run as
 * plain C over the same lists (merged into one table, word -> bit mask of the sets that hold it:
 * one probe for a word, not one per set; see _strtable.h); a word's frequencies are asked once
 * per token (the planner keeps each token's facts, so a cache here would only cost), and
 * title-casing is left to str.title. With `zipfs` (`_zipf.Zipf.zipfs`: a lower-case word's three
 * values, or None where the word needs wordfreq's tokenizer) the frequencies come from C to C
 * (through _zipf's capsule, _zipf.h: no Python call, an ASCII word lowered in a buffer), and
 * `frequencies` (`_names.uncached_frequencies`) answers only for the words zipfs leaves.
 *
 * `FactFinder(sets, kinds, capitals, frequencies, thresholds, zipfs=None).facts(token)` gives
 * the tuple `(kind, bare word, company word, role)`; `readings(tokens, cache)` reads a run of
 * two tokens or more as names (Planner.python_readings: the prefix of greetings and titles, the
 * cut before a company, up to three starts), keeping each token's facts in `cache`, and leaves
 * the scoring to Python. The arguments are documented in `_person_plan.fact_finder_args`.
 * tests/detect/test_person_plan.py holds both to the Python definitions on the corpora's tokens
 * and runs, the name lists and random tokens and runs.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "_module.h"
#include "_strtable.h"
#include "_zipf.h"

/* The lexicon's sets, in the order FactFinder takes them. */
enum { FIRST, LAST, TOP_FIRST, TOP_LAST, HONORIFICS, ORG_WORDS, PARTICLES, NOT_NAMES, GREETINGS,
       NSETS };
/* The kinds, in the order FactFinder takes their names. */
enum { K_PARTICLE, K_INITIAL, K_OTHER, K_CAPS, K_CAPSW, K_FIRST, K_WFIRST, K_LAST, K_WLAST,
       K_COMMON, K_SHARED, K_UNKNOWN, NKINDS };
/* Roles (_person_plan.NAME, GREETING, HONORIFIC, SKIP). */
enum { R_NAME, R_GREETING, R_HONORIFIC, R_SKIP };
/* Thresholds, in the order FactFinder takes them (see _person_kinds and _names). */
enum { T_COMMON, T_CAPS_COMMON, T_WORD_MIN, T_SPREAD, T_FUNCTION_WORD, NTHRESHOLDS };

#define CAPITAL_LIMIT 0x250

/* Strings whose membership mask is remembered: a token's facts probe the lists with two or
 * three strings (the token, its bare form, its title case), up to twenty times in all. */
#define MEMO 4

typedef struct {
    PyObject_HEAD
    StrTable members; /* word -> bit mask of the sets that hold it: one probe, not one per set */
    PyObject *memo_words[MEMO]; /* held, so that an address cannot come back as another string */
    long memo_masks[MEMO];
    int memo_next;
    PyObject *kinds[NKINDS];
    PyObject *frequencies; /* word -> (highest, lowest) Zipf value */
    PyObject *zipfs;       /* lower-case word -> its values, or None; NULL when not given */
    PyObject *zipf;        /* the _zipf.Zipf whose bound `zipfs` that is, or NULL */
    const ZipfApi *zipf_api; /* how to ask `zipf` from C, when it is not NULL */
    PyObject *lower;       /* the method's name */
    PyObject *roles[4];
    PyObject *title; /* the method's name */
    unsigned char capital[CAPITAL_LIMIT];
    double thresholds[NTHRESHOLDS];
} FactFinder;

/* A word's highest and lowest frequency (_names.frequencies), asked once. */
typedef struct {
    int known;
    double high, low;
} Frequencies;

/* The bit mask of the sets that hold `word` (a str; 0: none). */
static long member_mask(FactFinder *self, PyObject *word) {
    for (int i = 0; i < MEMO; i++) {
        if (self->memo_words[i] == word) return self->memo_masks[i];
    }
    const StrEntry *entry = strtable_find(&self->members, strtable_key_of(word));
    long mask = entry == NULL ? 0 : (long)entry->value;
    int slot = self->memo_next;
    self->memo_next = (slot + 1) % MEMO;
    Py_XSETREF(self->memo_words[slot], Py_NewRef(word));
    self->memo_masks[slot] = mask;
    return mask;
}

/* `word` in the lexicon's set number `set`: 1 or 0. */
static int contains(FactFinder *self, int set, PyObject *word) {
    return (int)((member_mask(self, word) >> set) & 1);
}

/* `members`: word -> bit mask of the `sets` (a tuple of NSETS frozensets of str) that hold it.
 * 0, or -1 with an exception set. */
static int member_masks(StrTable *members, PyObject *sets) {
    size_t total = 0;
    for (int i = 0; i < NSETS; i++) {
        Py_ssize_t size = PyObject_Size(PyTuple_GET_ITEM(sets, i));
        if (size < 0) return -1;
        total += (size_t)size;
    }
    if (strtable_init(members, total) < 0) return -1;
    for (int i = 0; i < NSETS; i++) {
        PyObject *words = PyObject_GetIter(PyTuple_GET_ITEM(sets, i));
        if (words == NULL) goto fail;
        PyObject *word;
        while ((word = PyIter_Next(words)) != NULL) {
            int is_str = PyUnicode_Check(word);
            if (is_str) strtable_add(members, strtable_key_of(word))->value |= 1ull << i;
            Py_DECREF(word);
            if (!is_str) {
                PyErr_SetString(PyExc_TypeError, "the lexicon's sets must hold str");
                break;
            }
        }
        Py_DECREF(words);
        if (PyErr_Occurred()) goto fail;
    }
    return 0;
fail:
    strtable_free(members);
    return -1;
}

/* Longer ASCII words are lowered by str.lower (a str object); shorter ones in a buffer. */
#define ASCII_LOWER_MAX 64

/* `zipf`'s values for word.lower(), from C: 1, 0 (zipfs gives None) or -1 (error). */
static int direct_zipfs(FactFinder *self, PyObject *word, double values[ZIPF_LANGS]) {
    Py_ssize_t len = PyUnicode_GET_LENGTH(word);
    if (PyUnicode_IS_ASCII(word) && len <= ASCII_LOWER_MAX) { /* str.lower lowers A-Z alone */
        char lowered[ASCII_LOWER_MAX];
        const char *chars = PyUnicode_DATA(word);
        for (Py_ssize_t i = 0; i < len; i++) {
            lowered[i] = (char)(chars[i] >= 'A' && chars[i] <= 'Z' ? chars[i] + 32 : chars[i]);
        }
        return self->zipf_api->values(self->zipf, PyUnicode_1BYTE_KIND, lowered, len, values);
    }
    PyObject *lowered = PyObject_CallMethodNoArgs(word, self->lower);
    if (lowered == NULL) return -1;
    int found = self->zipf_api->values(self->zipf, PyUnicode_KIND(lowered),
                                       PyUnicode_DATA(lowered), PyUnicode_GET_LENGTH(lowered),
                                       values);
    Py_DECREF(lowered);
    return found;
}

/* The highest and lowest of zipfs' values for the word; 0 when zipfs leaves it or is not given. */
static int native_frequencies(FactFinder *self, PyObject *word, Frequencies *out) {
    if (self->zipfs == NULL) return 0;
    if (self->zipf != NULL) {
        double values[ZIPF_LANGS];
        int found = direct_zipfs(self, word, values);
        if (found <= 0) return found;
        out->high = out->low = values[0];
        for (int i = 1; i < ZIPF_LANGS; i++) {
            if (values[i] > out->high) out->high = values[i];
            else if (values[i] < out->low) out->low = values[i];
        }
        out->known = 1;
        return 1;
    }
    PyObject *lowered = PyObject_CallMethodNoArgs(word, self->lower);
    if (lowered == NULL) return -1;
    PyObject *values = PyObject_CallOneArg(self->zipfs, lowered);
    Py_DECREF(lowered);
    if (values == NULL) return -1;
    if (values == Py_None) {
        Py_DECREF(values);
        return 0;
    }
    Py_ssize_t n = PyTuple_Check(values) ? PyTuple_GET_SIZE(values) : 0;
    if (n == 0) {
        Py_DECREF(values);
        PyErr_SetString(PyExc_TypeError, "zipfs must give a tuple of values or None");
        return -1;
    }
    double high = PyFloat_AsDouble(PyTuple_GET_ITEM(values, 0)), low = high;
    for (Py_ssize_t i = 1; i < n; i++) {
        double value = PyFloat_AsDouble(PyTuple_GET_ITEM(values, i));
        if (value > high) high = value;
        else if (value < low) low = value;
    }
    Py_DECREF(values);
    if (PyErr_Occurred()) return -1;
    out->high = high;
    out->low = low;
    out->known = 1;
    return 1;
}

static int frequencies(FactFinder *self, PyObject *word, Frequencies *out) {
    if (out->known) return 0;
    int found = native_frequencies(self, word, out);
    if (found != 0) return found < 0 ? -1 : 0;
    PyObject *values = PyObject_CallOneArg(self->frequencies, word);
    if (values == NULL) return -1;
    if (!PyTuple_Check(values) || PyTuple_GET_SIZE(values) != 2) {
        Py_DECREF(values);
        PyErr_SetString(PyExc_TypeError, "frequencies must give a (high, low) tuple");
        return -1;
    }
    out->high = PyFloat_AsDouble(PyTuple_GET_ITEM(values, 0));
    out->low = PyFloat_AsDouble(PyTuple_GET_ITEM(values, 1));
    Py_DECREF(values);
    if (PyErr_Occurred()) return -1;
    out->known = 1;
    return 0;
}

/* str.isupper(), str.isalpha() */
static int is_upper(PyObject *s) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    if (n == 1) return Py_UNICODE_ISUPPER(PyUnicode_READ(kind, data, 0));
    int cased = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (Py_UNICODE_ISLOWER(c) || Py_UNICODE_ISTITLE(c)) return 0;
        if (!cased && Py_UNICODE_ISUPPER(c)) cased = 1;
    }
    return cased;
}

static int is_alpha(PyObject *s) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    if (n == 0) return 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!Py_UNICODE_ISALPHA(PyUnicode_READ(kind, data, i))) return 0;
    }
    return 1;
}

static int has_hyphen(PyObject *s) {
    return PyUnicode_FindChar(s, '-', 0, PyUnicode_GET_LENGTH(s), 1) >= 0;
}

/* Every part between hyphens of s[from:] in `set` or `other` (-1: no second set). An empty part
 * is in neither. Returns 1, 0 or -1 (error). */
static int parts_in(FactFinder *self, PyObject *s, Py_ssize_t from, int set, int other) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    for (Py_ssize_t start = from; start <= n;) {
        Py_ssize_t end = PyUnicode_FindChar(s, '-', start, n, 1);
        if (end == -2) return -1;
        if (end < 0) end = n;
        PyObject *part = PyUnicode_Substring(s, start, end);
        if (part == NULL) return -1;
        int found = contains(self, set, part);
        if (found == 0 && other >= 0) found = contains(self, other, part);
        Py_DECREF(part);
        if (found <= 0) return found;
        start = end + 1;
    }
    return 1;
}

/* Lexicon.is_first */
static int is_first(FactFinder *self, PyObject *word) {
    int found = contains(self, FIRST, word);
    if (found != 0) return found;
    Py_ssize_t n = PyUnicode_GET_LENGTH(word);
    Py_ssize_t hyphen = PyUnicode_FindChar(word, '-', 0, n, 1);
    if (hyphen == -2) return -1;
    if (hyphen < 0 || hyphen == n - 1) return 0; /* no tail */
    PyObject *head = PyUnicode_Substring(word, 0, hyphen);
    if (head == NULL) return -1;
    found = contains(self, FIRST, head);
    Py_DECREF(head);
    if (found <= 0) return found;
    return parts_in(self, word, hyphen + 1, FIRST, NOT_NAMES);
}

/* word.title() in `set` */
static int title_in(FactFinder *self, PyObject *word, int set) {
    PyObject *title = PyObject_CallMethodNoArgs(word, self->title);
    if (title == NULL) return -1;
    int found = contains(self, set, title);
    Py_DECREF(title);
    return found;
}

/* Lexicon.is_last */
static int is_last(FactFinder *self, PyObject *word) {
    int found = contains(self, LAST, word);
    if (found != 0) return found;
    if (is_upper(word) && PyUnicode_GET_LENGTH(word) > 1) return title_in(self, word, LAST);
    if (!has_hyphen(word)) return 0;
    return parts_in(self, word, 0, LAST, FIRST);
}

/* _names.is_language_word from the word's frequencies */
static int language_word(FactFinder *self, const Frequencies *f) {
    return f->high >= self->thresholds[T_WORD_MIN] &&
           f->high - f->low >= self->thresholds[T_SPREAD];
}

/* Lexicon.is_weak */
static int is_weak(FactFinder *self, PyObject *word, int top, Frequencies *f) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(word);
    if (has_hyphen(word)) { /* every non-empty part weak */
        for (Py_ssize_t start = 0; start <= n;) {
            Py_ssize_t end = PyUnicode_FindChar(word, '-', start, n, 1);
            if (end == -2) return -1;
            if (end < 0) end = n;
            if (end > start) {
                PyObject *part = PyUnicode_Substring(word, start, end);
                if (part == NULL) return -1;
                Frequencies part_f = {0};
                int weak = is_weak(self, part, top, &part_f);
                Py_DECREF(part);
                if (weak <= 0) return weak;
            }
            start = end + 1;
        }
        return 1;
    }
    if (frequencies(self, word, f) < 0) return -1;
    if (!language_word(self, f)) return 0;
    if (f->high >= self->thresholds[T_FUNCTION_WORD]) return 1;
    return !contains(self, top, word);
}

static int has_digit_or_underscore(PyObject *s) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c == '_' || Py_UNICODE_ISDIGIT(c)) return 1;
    }
    return 0;
}

/* _person_kinds.word_kind: the kind's index, or -1 (error). */
static int word_kind(FactFinder *self, PyObject *word, Frequencies *f) {
    static const int never_names[] = {NOT_NAMES, ORG_WORDS, HONORIFICS};
    for (int i = 0; i < 3; i++) {
        if (contains(self, never_names[i], word)) return K_OTHER;
    }
    if (!is_alpha(word) && has_digit_or_underscore(word)) return K_OTHER;
    Py_ssize_t n = PyUnicode_GET_LENGTH(word);
    if (n > 1 && is_upper(word)) {
        if (n > 2 && is_alpha(word)) {
            if (frequencies(self, word, f) < 0) return -1;
            if (f->high < self->thresholds[T_COMMON]) return K_CAPS;
            int listed = title_in(self, word, LAST);
            if (listed == 0) listed = title_in(self, word, FIRST);
            if (listed != 0) return listed < 0 ? -1 : K_CAPS;
            if (n > 3 && f->high < self->thresholds[T_CAPS_COMMON]) return K_CAPSW;
        }
        return K_OTHER;
    }
    /* is_first and is_last look in the lists first; only a hyphenated word needs more (capitals
     * were settled above) */
    int hyphen = has_hyphen(word);
    int found = hyphen ? is_first(self, word) : contains(self, FIRST, word);
    if (found != 0) {
        if (found < 0) return -1;
        int weak = is_weak(self, word, TOP_FIRST, f);
        return weak < 0 ? -1 : weak ? K_WFIRST : K_FIRST;
    }
    found = hyphen ? is_last(self, word) : contains(self, LAST, word);
    if (found != 0) {
        if (found < 0) return -1;
        int weak = is_weak(self, word, TOP_LAST, f);
        return weak < 0 ? -1 : weak ? K_WLAST : K_LAST;
    }
    if (frequencies(self, word, f) < 0) return -1;
    if (f->high >= self->thresholds[T_COMMON]) return language_word(self, f) ? K_COMMON : K_SHARED;
    return K_UNKNOWN;
}

/* _person_kinds.bare: trailing punctuation and a possessive 's off. */
static PyObject *bare(PyObject *token) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(token);
    int kind = PyUnicode_KIND(token);
    const void *data = PyUnicode_DATA(token);
    Py_ssize_t end = n;
    while (end > 0) {
        Py_UCS4 c = PyUnicode_READ(kind, data, end - 1);
        if (c != '.' && c != ',' && c != ';' && c != ':' && c != '!' && c != '?' && c != ')' &&
            c != '"' && c != '\'' && c != 0x2019) {
            break;
        }
        end--;
    }
    if (end >= 2 && PyUnicode_READ(kind, data, end - 1) == 's') {
        Py_UCS4 quote = PyUnicode_READ(kind, data, end - 2);
        if (quote == '\'' || quote == 0x2019) end -= 2;
    }
    return PyUnicode_Substring(token, 0, end);
}

/* _person_kinds.is_initial: "A." (or "A.\n", as the regex's $ allows) */
static int is_initial(FactFinder *self, PyObject *token) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(token);
    if (n < 2 || n > 3) return 0;
    Py_UCS4 c = PyUnicode_READ_CHAR(token, 0);
    return c < CAPITAL_LIMIT && self->capital[c] && PyUnicode_READ_CHAR(token, 1) == '.' &&
           (n == 2 || PyUnicode_READ_CHAR(token, 2) == '\n');
}

static int is_one_of(PyObject *word, const char *a, const char *b) {
    return PyUnicode_CompareWithASCIIString(word, a) == 0 ||
           PyUnicode_CompareWithASCIIString(word, b) == 0;
}

/* is_common() as _new_facts asks it, by kind: the lists' verdict is known for these kinds. */
static int common_by_kind(int kind) {
    switch (kind) {
        case K_FIRST: case K_WFIRST: case K_LAST: case K_WLAST: case K_UNKNOWN: return 0;
        case K_COMMON: case K_SHARED: return 1;
        default: return -1;
    }
}

static int role_of(FactFinder *self, PyObject *word, int kind, int initial, Frequencies *f) {
    if (contains(self, GREETINGS, word)) return R_GREETING;
    if (contains(self, HONORIFICS, word) && (is_one_of(word, "M", "Me") || !initial)) {
        return R_HONORIFIC;
    }
    if (initial) return R_NAME;
    if (contains(self, NOT_NAMES, word)) return R_SKIP;
    int common = common_by_kind(kind);
    if (common < 0) { /* _person_kinds.is_common */
        int listed = is_first(self, word);
        if (listed == 0) listed = is_last(self, word);
        if (listed < 0) return -1;
        if (listed) return R_NAME;
        if (frequencies(self, word, f) < 0) return -1;
        common = f->high >= self->thresholds[T_COMMON];
    }
    return common ? R_SKIP : R_NAME;
}

static PyObject *FactFinder_facts(FactFinder *self, PyObject *token) {
    if (!PyUnicode_Check(token)) {
        PyErr_SetString(PyExc_TypeError, "facts() needs a str");
        return NULL;
    }
    if (self->frequencies == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "FactFinder was not initialised");
        return NULL;
    }
    PyObject *word = bare(token);
    if (word == NULL) return NULL;
    Frequencies f = {0};
    int initial = is_initial(self, token);
    int kind = K_PARTICLE;
    if (!contains(self, PARTICLES, token)) kind = initial ? K_INITIAL : word_kind(self, word, &f);
    int role = kind < 0 ? -1 : role_of(self, word, kind, initial, &f);
    int org = role < 0 ? -1 : contains(self, ORG_WORDS, word);
    if (org < 0) {
        Py_DECREF(word);
        return NULL;
    }
    PyObject *facts = PyTuple_New(4);
    if (facts == NULL) {
        Py_DECREF(word);
        return NULL;
    }
    PyTuple_SET_ITEM(facts, 0, Py_NewRef(self->kinds[kind]));
    PyTuple_SET_ITEM(facts, 1, word);
    PyTuple_SET_ITEM(facts, 2, Py_NewRef(org ? Py_True : Py_False));
    PyTuple_SET_ITEM(facts, 3, Py_NewRef(self->roles[role]));
    return facts;
}

/* ---- Readings: Planner.python_readings in C ---------------------------------------------- */

#define MAX_NAME_TOKENS 5 /* _person_plan._MAX_NAME_TOKENS */
#define READING_STARTS 3  /* a name may start at the first three tokens after the prefix */

/* The index of a kind name (as facts() gives it, or equal to one), or -1. */
static int kind_index(FactFinder *self, PyObject *name) {
    for (int i = 0; i < NKINDS; i++) {
        if (self->kinds[i] == name) return i;
    }
    for (int i = 0; i < NKINDS; i++) {
        int equal = PyUnicode_Compare(self->kinds[i], name);
        if (equal == 0) return i;
        if (equal == -1 && PyErr_Occurred()) return -1;
    }
    PyErr_SetString(PyExc_ValueError, "facts hold an unknown kind");
    return -1;
}

static int is_tail_kind(int kind) { /* _person_kinds.TAIL_KINDS */
    return kind == K_COMMON || kind == K_SHARED || kind == K_CAPSW;
}

static int starts_upper(PyObject *token) { /* token[:1].isupper() */
    return PyUnicode_GET_LENGTH(token) > 0 && Py_UNICODE_ISUPPER(PyUnicode_READ_CHAR(token, 0));
}

static int ends_with_stop(PyObject *token) { /* token.endswith((",", ";", ":")) */
    Py_ssize_t n = PyUnicode_GET_LENGTH(token);
    if (n == 0) return 0;
    Py_UCS4 c = PyUnicode_READ_CHAR(token, n - 1);
    return c == ',' || c == ';' || c == ':';
}

static int is_ascii_word(PyObject *token, const char *const *words, int count) {
    for (int i = 0; i < count; i++) {
        if (PyUnicode_CompareWithASCIIString(token, words[i]) == 0) return 1;
    }
    return 0;
}

static const char *const ARTICLE_PARTICLES[] = {"der", "den", "des", "dem"};
static const char *const VAN_VON[] = {"van", "von", "Van", "Von"};

/* One name token of a reading. */
typedef struct {
    Py_ssize_t index;
    int kind;
} NameToken;

/* _person_plan._names: the name read from `start` on, into `names`; returns its length. */
static int read_name(PyObject *tokens, const int *kinds, Py_ssize_t count, Py_ssize_t start,
                     int strong, NameToken *names) {
    int n = 0;
    for (Py_ssize_t index = start; index < count; index++) {
        PyObject *tok = PyList_GET_ITEM(tokens, index);
        int kind = kinds[index];
        if (is_ascii_word(tok, ARTICLE_PARTICLES, 4) &&
            !(n && is_ascii_word(PyList_GET_ITEM(tokens, names[n - 1].index), VAN_VON, 4))) {
            break; /* "Rolle des Bundesverfassungsgerichts" is a genitive, "van der Berg" a name */
        }
        if (kind == K_PARTICLE) {
            if (n || (strong && starts_upper(tok))) names[n++] = (NameToken){index, kind};
            continue;
        }
        if (is_tail_kind(kind) && n) {
            int last = names[n - 1].kind, takes = last == K_INITIAL || last == K_FIRST;
            for (int k = 0; !takes && last == K_PARTICLE && k < n; k++) {
                takes = names[k].kind == K_FIRST; /* _person_kinds.takes_tail */
            }
            if (takes) {
                names[n++] = (NameToken){index, last == K_PARTICLE ? K_SHARED : kind};
                break;
            }
        }
        if ((kind == K_OTHER || is_tail_kind(kind)) && !(strong && !n && starts_upper(tok))) break;
        names[n++] = (NameToken){index, kind};
        if (n >= MAX_NAME_TOKENS || ends_with_stop(tok)) break;
    }
    while (n && names[n - 1].kind == K_PARTICLE) n--;
    return n;
}

/* A reading as Python lists it: [(token index, token, kind), ...]. */
static PyObject *reading_list(FactFinder *self, PyObject *tokens, const NameToken *names, int n) {
    PyObject *list = PyList_New(n);
    if (list == NULL) return NULL;
    for (int k = 0; k < n; k++) {
        PyObject *item = Py_BuildValue("(nOO)", names[k].index,
                                       PyList_GET_ITEM(tokens, names[k].index),
                                       self->kinds[names[k].kind]);
        if (item == NULL) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, k, item);
    }
    return list;
}

static PyObject *readings_of(FactFinder *self, PyObject *tokens, PyObject *cache);

/* The facts of every token, from `cache` or facts() (kept there); stops at a company word,
 * whose index it returns (count: none), or -1 on error. */
static Py_ssize_t gather_facts(FactFinder *self, PyObject *tokens, PyObject *cache,
                               PyObject *facts, int *kinds) {
    Py_ssize_t count = PyList_GET_SIZE(tokens);
    for (Py_ssize_t index = 0; index < count; index++) {
        PyObject *token = PyList_GET_ITEM(tokens, index);
        PyObject *found = PyDict_GetItemWithError(cache, token);
        if (found != NULL) {
            Py_INCREF(found);
        } else {
            if (PyErr_Occurred()) return -1;
            found = FactFinder_facts(self, token);
            if (found == NULL || PyDict_SetItem(cache, token, found) < 0) {
                Py_XDECREF(found);
                return -1;
            }
        }
        int failed = !PyTuple_Check(found) || PyTuple_GET_SIZE(found) != 4;
        int org = failed ? -1 : PyObject_IsTrue(PyTuple_GET_ITEM(found, 2));
        if (failed) PyErr_SetString(PyExc_TypeError, "facts must be 4-tuples");
        if (org > 0) {
            Py_DECREF(found);
            return index;
        }
        kinds[index] = org < 0 ? -1 : kind_index(self, PyTuple_GET_ITEM(found, 0));
        failed = kinds[index] < 0 || PyList_Append(facts, found) < 0;
        Py_DECREF(found);
        if (failed) return -1;
    }
    return count;
}

/* _person_plan._company_start */
static Py_ssize_t company_start(const int *kinds, Py_ssize_t org) {
    for (Py_ssize_t index = org - 1; index > 0; index--) {
        if (kinds[index] == K_PARTICLE && kinds[index - 1] != K_PARTICLE) return index;
    }
    return 0;
}

static PyObject *readings_of(FactFinder *self, PyObject *tokens, PyObject *cache) {
    Py_ssize_t count = PyList_GET_SIZE(tokens);
    int *kinds = PyMem_Malloc((size_t)(count ? count : 1) * sizeof(int));
    NameToken *names = PyMem_Malloc((size_t)(count ? count : 1) * sizeof(NameToken));
    PyObject *facts = PyList_New(0), *readings = PyList_New(0), *result = NULL;
    if (kinds == NULL || names == NULL || facts == NULL || readings == NULL) {
        if (kinds == NULL || names == NULL) PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t org = gather_facts(self, tokens, cache, facts, kinds);
    if (org < 0) goto done;
    if (org < count) { /* a company word: a particle before it may open the company's name */
        Py_ssize_t cut = company_start(kinds, org);
        if (cut == 0) {
            result = Py_NewRef(Py_None);
            goto done;
        }
        PyObject *head = PyList_GetSlice(tokens, 0, cut);
        if (head != NULL) result = readings_of(self, head, cache);
        Py_XDECREF(head);
        goto done;
    }
    int strong = 0, greeting = 0;
    Py_ssize_t i = 0;
    for (; i < count; i++) {
        long role = PyLong_AsLong(PyTuple_GET_ITEM(PyList_GET_ITEM(facts, i), 3));
        if (role == -1 && PyErr_Occurred()) goto done;
        if (role == R_GREETING) greeting = 1;
        else if (role == R_HONORIFIC) strong = 1;
        else if (strong || role == R_NAME) break;
    }
    for (Py_ssize_t start = i; start < count && start < i + READING_STARTS; start++) {
        int n = read_name(tokens, kinds, count, start, strong, names);
        if (n == 0) continue;
        for (int pass = 0; pass < 2 && n > 0; pass++) {
            PyObject *reading = reading_list(self, tokens, names, n);
            int failed = reading == NULL || PyList_Append(readings, reading) < 0;
            Py_XDECREF(reading);
            if (failed) goto done;
            if (!is_tail_kind(names[n - 1].kind)) break; /* "Christa Butte", else "Christa" */
            n--;
            while (n && names[n - 1].kind == K_PARTICLE) n--;
        }
    }
    result = PyList_GET_SIZE(readings) == 0
                 ? Py_NewRef(Py_None)
                 : Py_BuildValue("(OOOOO)", tokens, facts, strong ? Py_True : Py_False,
                                 greeting ? Py_True : Py_False, readings);
done:
    PyMem_Free(kinds);
    PyMem_Free(names);
    Py_XDECREF(facts);
    Py_XDECREF(readings);
    return result;
}

/* METH_FASTCALL: no argument tuple per call. */
static PyObject *FactFinder_readings(FactFinder *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2 || !PyList_Check(args[0]) || !PyDict_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "readings(tokens: list, cache: dict)");
        return NULL;
    }
    PyObject *tokens = args[0], *cache = args[1];
    if (self->frequencies == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "FactFinder was not initialised");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(tokens); i++) {
        if (!PyUnicode_Check(PyList_GET_ITEM(tokens, i))) {
            PyErr_SetString(PyExc_TypeError, "readings() needs a list of str");
            return NULL;
        }
    }
    return readings_of(self, tokens, cache);
}

/* When `zipfs` is the bound `zipfs` of a _zipf.Zipf, ask that Zipf from C (see _zipf.h); any
 * other callable is called. 0, or -1 with an exception set. */
static int direct_zipf(FactFinder *self) {
    Py_CLEAR(self->zipf);
    self->zipf_api = NULL;
    if (self->zipfs == NULL || !PyCFunction_Check(self->zipfs)) return 0;
    PyObject *owner = PyCFunction_GET_SELF(self->zipfs);
    const char *name = ((PyCFunctionObject *)self->zipfs)->m_ml->ml_name;
    if (owner == NULL || strcmp(name, "zipfs") != 0) return 0;
    const ZipfApi *api = PyCapsule_Import(ZIPF_CAPSULE, 0);
    if (api == NULL) return -1; /* the module is built with this one */
    if (!Py_IS_TYPE(owner, api->type)) return 0;
    self->zipf = Py_NewRef(owner);
    self->zipf_api = api;
    return 0;
}

static int FactFinder_init(FactFinder *self, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"sets",       "kinds", "capitals", "frequencies",
                             "thresholds", "zipfs", NULL};
    PyObject *sets, *kinds, *capitals, *frequencies, *thresholds, *zipfs = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O!O!UOO!|O", kwlist, &PyTuple_Type, &sets,
                                     &PyTuple_Type, &kinds, &capitals, &frequencies, &PyTuple_Type,
                                     &thresholds, &zipfs)) {
        return -1;
    }
    if (PyTuple_GET_SIZE(sets) != NSETS || PyTuple_GET_SIZE(kinds) != NKINDS ||
        PyTuple_GET_SIZE(thresholds) != NTHRESHOLDS) {
        PyErr_Format(PyExc_ValueError, "FactFinder takes %d sets, %d kinds and %d thresholds",
                     NSETS, NKINDS, NTHRESHOLDS);
        return -1;
    }
    if (!PyCallable_Check(frequencies) || (zipfs != Py_None && !PyCallable_Check(zipfs))) {
        PyErr_SetString(PyExc_TypeError, "frequencies and zipfs must be callable");
        return -1;
    }
    for (int i = 0; i < NSETS; i++) {
        if (!PyFrozenSet_Check(PyTuple_GET_ITEM(sets, i))) {
            PyErr_SetString(PyExc_TypeError, "sets must be frozensets");
            return -1;
        }
    }
    for (int i = 0; i < NKINDS; i++) {
        if (!PyUnicode_Check(PyTuple_GET_ITEM(kinds, i))) {
            PyErr_SetString(PyExc_TypeError, "kinds must be str");
            return -1;
        }
    }
    for (int i = 0; i < NTHRESHOLDS; i++) {
        double value = PyFloat_AsDouble(PyTuple_GET_ITEM(thresholds, i));
        if (value == -1.0 && PyErr_Occurred()) return -1;
        self->thresholds[i] = value;
    }
    memset(self->capital, 0, sizeof self->capital);
    for (Py_ssize_t i = 0; i < PyUnicode_GET_LENGTH(capitals); i++) {
        Py_UCS4 c = PyUnicode_READ_CHAR(capitals, i);
        if (c >= CAPITAL_LIMIT) {
            PyErr_SetString(PyExc_ValueError, "capitals lie below U+0250");
            return -1;
        }
        self->capital[c] = 1;
    }
    StrTable members; /* swapped in whole: a failed __init__ leaves the last table */
    if (member_masks(&members, sets) < 0) return -1;
    strtable_free(&self->members);
    self->members = members;
    for (int i = 0; i < MEMO; i++) Py_CLEAR(self->memo_words[i]);
    for (int i = 0; i < NKINDS; i++) {
        Py_XSETREF(self->kinds[i], Py_NewRef(PyTuple_GET_ITEM(kinds, i)));
    }
    for (int i = 0; i < 4; i++) {
        PyObject *role = PyLong_FromLong(i);
        if (role == NULL) return -1;
        Py_XSETREF(self->roles[i], role);
    }
    Py_XSETREF(self->title, PyUnicode_InternFromString("title"));
    Py_XSETREF(self->lower, PyUnicode_InternFromString("lower"));
    if (self->title == NULL || self->lower == NULL) return -1;
    Py_XSETREF(self->frequencies, Py_NewRef(frequencies));
    Py_XSETREF(self->zipfs, zipfs == Py_None ? NULL : Py_NewRef(zipfs));
    return direct_zipf(self);
}

static void FactFinder_dealloc(FactFinder *self) {
    strtable_free(&self->members);
    for (int i = 0; i < MEMO; i++) Py_CLEAR(self->memo_words[i]);
    for (int i = 0; i < NKINDS; i++) Py_CLEAR(self->kinds[i]);
    for (int i = 0; i < 4; i++) Py_CLEAR(self->roles[i]);
    Py_CLEAR(self->title);
    Py_CLEAR(self->lower);
    Py_CLEAR(self->frequencies);
    Py_CLEAR(self->zipfs);
    Py_CLEAR(self->zipf);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyMethodDef FactFinder_methods[] = {
    {"facts", (PyCFunction)FactFinder_facts, METH_O,
     "(kind, bare word, company word, role) of a token, as Planner.python_facts."},
    {"readings", (PyCFunction)(void (*)(void))FactFinder_readings, METH_FASTCALL,
     "A run's name readings from its tokens, facts kept in a dict, as Planner.python_readings."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject FactFinderType = {PyVarObject_HEAD_INIT(NULL, 0)};

static struct PyModuleDef facts_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "douane.detect._facts",
    .m_doc = "Token facts of the PERSON planner in C (see _person_plan.Planner.python_facts).",
    .m_size = -1,
};

PyMODINIT_FUNC PyInit__facts(void) {
    FactFinderType.tp_name = "douane.detect._facts.FactFinder";
    FactFinderType.tp_basicsize = sizeof(FactFinder);
    FactFinderType.tp_flags = Py_TPFLAGS_DEFAULT;
    FactFinderType.tp_doc = "Token facts for one lexicon; see the module source.";
    FactFinderType.tp_new = PyType_GenericNew;
    FactFinderType.tp_init = (initproc)FactFinder_init;
    FactFinderType.tp_dealloc = (destructor)FactFinder_dealloc;
    FactFinderType.tp_methods = FactFinder_methods;
    return douane_module(&facts_module, &FactFinderType, "FactFinder");
}

/* Word frequencies in C: _wordfreq.zipfs for the words that need no tokenizer.
 *
 * A word met for the first time cost ~6,000 instructions in compiled Python (str method calls,
 * a regex call, three dict look-ups through a list comprehension), and a code with digits
 * ("sr-2025-34724") ~15,000, most of it wordfreq's digit_freq, which is interpreted Python.
 * That was a sixth of a cold scan. Here the same arithmetic runs in C:
 *
 * - a word of plain letters (see _wordfreq.PLAIN_LETTERS) is its own only token;
 * - a word of plain letters, ß and ASCII digits, hyphens or underscores between, is case-folded
 *   (ß becomes ss) and split at its hyphens (Unicode word segmentation keeps an underscore
 *   inside a word), and each part with digits is smashed (a run of two or more digits becomes
 *   zeros) and weighted by wordfreq's digit_freq (Benford's law, a year curve for four digits);
 * - a value is wordfreq's zipf_frequency arithmetic: log10, round to significant digits,
 *   log10 again, round to two decimals. Python's round() rounds the exact binary value half to
 *   even, and so does glibc's printf("%.*f"); strtod reads the result back exactly. Away from
 *   a tie an integer division gives the same double at a tenth of the cost (round_decimal).
 *
 * The three tables are merged at start-up into one table of their keys' hashes (`_strtable.h`): a
 * token costs one probe, where a dict per language cost three, each through a dict's index, its
 * entries and the key (a new token's look-up is a cache miss at every step: ~40 k L2 misses a
 * cold pass). An entry's value holds, per language, 1 + the index of its frequency in `freqs`, or
 * 0 where that language lacks the token (16 bits each).
 *
 * `Zipf(tables, plain_letters, digit_freqs, year_log_peak, not_year_prob, reference_year,
 * plateau_width).zipfs(word)` gives the three values, or None for any other word (and for a
 * case this code does not cover, such as a run of more than 23 digits): the caller then asks
 * the Python path, which tokenizes as wordfreq does. tests/detect/test_wordfreq.py holds both
 * paths to each other and to wordfreq.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "_module.h"
#include "_strtable.h"
#include "_zipf.h"

#define LANGS ZIPF_LANGS
#define PLAIN_LIMIT 0x250       /* every plain letter is below U+0250 */
#define SHARP_S 0xDF            /* ß */
#define MEMO_SLOTS 2048         /* table frequency -> its value alone; a few hundred buckets */
#define MAX_LENGTH 4096         /* longer words take the Python path */
#define MAX_PARTS 32            /* so do words of more parts */
#define MAX_ROUND_DIGITS 40     /* past this, the Python path rounds */

/* 10**k for k <= 22: every one is exact in a double, as Python's int -> float conversion is. */
static const double POW10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                               1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                               1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
#define POW10_MAX 22

#define MAX_FREQS 65535 /* distinct table frequencies; wordfreq's lists have ~1,300 */

typedef struct {
    PyObject_HEAD
    StrTable entries; /* the tables merged */
    double *freqs; /* the distinct table frequencies */
    unsigned char plain[PLAIN_LIMIT];
    double digit_freqs[10];
    double year_log_peak, not_year_prob;
    long reference_year, plateau_width;
    uint64_t memo_keys[MEMO_SLOTS];
    double memo_values[MEMO_SLOTS];
    unsigned char memo_used[MEMO_SLOTS];
    Py_ssize_t memo_count;
} Zipf;

/* Python's round(x, ndigits) for a finite float and 0 <= ndigits <= MAX_ROUND_DIGITS.
 *
 * Fast path: y = x * 10**ndigits carries one rounding error, under 2**-23 while |y| < 2**30, so
 * when y lies farther than that from a half-integer, the exact product rounds to the same
 * integer k as y. k and 10**ndigits are exact doubles, and their quotient, correctly rounded,
 * is the double strtod reads from the decimal k * 10**-ndigits: the printf path's answer. */
static int round_decimal(double x, int ndigits, double *out) {
    char buf[128];
    if (ndigits < 0 || ndigits > MAX_ROUND_DIGITS || !isfinite(x) || fabs(x) >= 1e60) return 0;
    if (ndigits <= POW10_MAX) {
        double y = x * POW10[ndigits];
        if (fabs(y) < 1073741824.0 && fabs(y - floor(y) - 0.5) > 1e-6) {
            *out = nearbyint(y) / POW10[ndigits];
            return 1;
        }
    }
    int written = snprintf(buf, sizeof buf, "%.*f", ndigits, x);
    if (written < 0 || written >= (int)sizeof buf) return 0;
    *out = strtod(buf, NULL);
    return 1;
}

/* _wordfreq._zipf_value: wordfreq's zipf_frequency from a word's combined frequency. Python's
 * math.log(x, 10) is log(x) / log(10). Returns 0 where the Python path must decide. */
static int zipf_value(double freq, double *out) {
    if (!(freq > 0.0) || !isfinite(freq)) return 0;
    double leading_zeroes = floor(-(log(freq) / log(10.0)));
    if (!(leading_zeroes > -4.0) || leading_zeroes > MAX_ROUND_DIGITS) return 0;
    double rounded;
    if (!round_decimal(freq, (int)leading_zeroes + 3, &rounded) || !(rounded > 0.0)) return 0;
    return round_decimal(log(rounded) / log(10.0) + 9, 2, out);
}

/* The value of a word that is its only token, with table frequency `freq`, remembered. */
static int alone_value(Zipf *self, double freq, double *out) {
    uint64_t key;
    memcpy(&key, &freq, sizeof key);
    size_t slot = (size_t)((key * 0x9E3779B97F4A7C15ull) >> 53) & (MEMO_SLOTS - 1);
    while (self->memo_used[slot]) {
        if (self->memo_keys[slot] == key) {
            *out = self->memo_values[slot];
            return 1;
        }
        slot = (slot + 1) & (MEMO_SLOTS - 1);
    }
    if (!zipf_value(1.0 / (1.0 / freq), out)) return 0;
    if (self->memo_count < MEMO_SLOTS / 2) { /* stays sparse: probes stay short */
        self->memo_used[slot] = 1;
        self->memo_keys[slot] = key;
        self->memo_values[slot] = *out;
        self->memo_count++;
    }
    return 1;
}

/* The table frequency of a token in one language (`entry` NULL: no table holds it): 1 found,
 * 0 absent. */
static int entry_freq(const Zipf *self, const StrEntry *entry, int lang, double *out) {
    unsigned index = entry == NULL ? 0 : (unsigned)(entry->value >> (16 * lang)) & 0xFFFF;
    if (index == 0) return 0;
    *out = self->freqs[index - 1];
    return 1;
}

/* wordfreq's benford_freq for a run of `len` digits starting with `first`. */
static int benford(const Zipf *self, int first, Py_ssize_t len, double *out) {
    if (len - 1 > POW10_MAX) return 0;
    *out = self->digit_freqs[first] / POW10[len - 1];
    return 1;
}

/* wordfreq's year_freq for a run of four digits (its slopes, 0.0083 and 0.2, are literals of
 * its code; tests check every year against it). */
static int year(const Zipf *self, const Py_UCS4 *run, double *out) {
    long value = 0;
    for (int i = 0; i < 4; i++) value = value * 10 + (long)(run[i] - '0');
    double log_freq;
    if (value <= self->reference_year) {
        log_freq = self->year_log_peak - 0.0083 * (double)(self->reference_year - value);
    } else if (value <= self->reference_year + self->plateau_width) {
        log_freq = self->year_log_peak;
    } else {
        log_freq =
            self->year_log_peak - 0.2 * (double)(value - (self->reference_year + self->plateau_width));
    }
    double not_year;
    if (!benford(self, (int)(run[0] - '0'), 4, &not_year)) return 0;
    *out = pow(10.0, log_freq) + self->not_year_prob * not_year;
    return 1;
}

static int is_digit(Py_UCS4 c) { return c >= '0' && c <= '9'; }

static int is_separator(Py_UCS4 c) { return c == '-' || c == '_'; }

/* wordfreq's digit_freq of a part of letters and ASCII digits: the product over its runs of
 * two digits or more, left to right. */
static int digit_factor(const Zipf *self, const Py_UCS4 *part, Py_ssize_t len, double *out) {
    double freq = 1.0;
    Py_ssize_t i = 0;
    while (i < len) {
        if (!is_digit(part[i])) {
            i++;
            continue;
        }
        Py_ssize_t j = i;
        while (j < len && is_digit(part[j])) j++;
        if (j - i >= 2) {
            double factor;
            int ok = (j - i == 4) ? year(self, part + i, &factor)
                                  : benford(self, (int)(part[i] - '0'), j - i, &factor);
            if (!ok) return 0;
            freq *= factor;
        }
        i = j;
    }
    *out = freq;
    return 1;
}

static PyObject *values_tuple(const double values[LANGS]) {
    PyObject *tuple = PyTuple_New(LANGS);
    if (tuple == NULL) return NULL;
    for (int lang = 0; lang < LANGS; lang++) {
        PyObject *value = PyFloat_FromDouble(values[lang]);
        if (value == NULL) {
            Py_DECREF(tuple);
            return NULL;
        }
        PyTuple_SET_ITEM(tuple, lang, value);
    }
    return tuple;
}

/* A word of plain letters: its only token is itself. 1 with `values` set, 0 for the Python
 * path. */
static int plain_zipfs(Zipf *self, StrKey key, double values[LANGS]) {
    const StrEntry *entry = strtable_find(&self->entries, key);
    for (int lang = 0; lang < LANGS; lang++) {
        double freq;
        int found = entry_freq(self, entry, lang, &freq);
        values[lang] = 0.0;
        if (found && !alone_value(self, freq, &values[lang])) return 0;
    }
    return 1;
}

/* wordfreq's smash_numbers on a part of letters and ASCII digits, in place: each digit of a
 * run of two or more becomes 0. True when that changed the part. */
static int smash(Py_UCS4 *part, Py_ssize_t len) {
    int changed = 0;
    for (Py_ssize_t i = 0; i < len; i++) {
        /* a digit smashed before position i is still a digit: the neighbour test holds */
        if (is_digit(part[i]) &&
            ((i > 0 && is_digit(part[i - 1])) || (i + 1 < len && is_digit(part[i + 1])))) {
            changed |= part[i] != '0';
            part[i] = '0';
        }
    }
    return changed;
}

static int has_digit(const Py_UCS4 *part, Py_ssize_t len) {
    for (Py_ssize_t i = 0; i < len; i++) {
        if (is_digit(part[i])) return 1;
    }
    return 0;
}

/* A word of plain letters, ASCII digits and underscores, hyphens between (`chars`, `len`
 * characters, ß already folded): wordfreq's tokens are the parts between the hyphens, combined
 * as its _word_frequency does. 1 with `values` set, 0 for the Python path. */
static int parts_zipfs(Zipf *self, Py_UCS4 *chars, Py_ssize_t len, double values[LANGS]) {
    const StrEntry *entries[MAX_PARTS];
    double factors[MAX_PARTS];
    Py_ssize_t count = 0;
    for (int lang = 0; lang < LANGS; lang++) values[lang] = 0.0;
    for (Py_ssize_t start = 0; start <= len;) {
        Py_ssize_t end = start;
        while (end < len && chars[end] != '-') end++;
        Py_UCS4 *part = chars + start;
        Py_ssize_t size = end - start;
        int digits = has_digit(part, size);
        double factor = 1.0;
        /* digit_freq reads the digits before the smash */
        if (count == MAX_PARTS || (digits && !digit_factor(self, part, size, &factor))) return 0;
        if (digits && !smash(part, size)) factor = 1.0; /* as wordfreq: smashed == token */
        const StrEntry *entry =
            strtable_find(&self->entries, strtable_key(PyUnicode_4BYTE_KIND, part, size));
        entries[count] = entry;
        factors[count++] = factor;
        if (digits && entry == NULL) return 1; /* a token no language knows: 0 in each */
        start = end + 1;
    }
    for (int lang = 0; lang < LANGS; lang++) {
        double one_over = 0.0;
        int absent = 0;
        for (Py_ssize_t k = 0; k < count && !absent; k++) {
            double freq;
            int found = entry_freq(self, entries[k], lang, &freq);
            absent = !found;
            if (found) {
                if (factors[k] != 1.0) freq *= factors[k];
                one_over += 1.0 / freq;
            }
        }
        if (!absent && !zipf_value(1.0 / one_over, &values[lang])) return 0;
    }
    return 1;
}

/* The values of the `len` code points at `data` (a str's kind and data): 1 with `values` set, 0
 * where the Python path decides, -1 with MemoryError set. */
static int zipf_values(PyObject *zipf, int kind, const void *data, Py_ssize_t len,
                       double values[LANGS]) {
    Zipf *self = (Zipf *)zipf;
    if (self->entries.entries == NULL || len == 0 || len > MAX_LENGTH) return 0;
    int plain = 1;
    Py_ssize_t sharp_s = 0;
    for (Py_ssize_t i = 0; i < len; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c < PLAIN_LIMIT && self->plain[c]) continue;
        plain = 0;
        if (is_digit(c)) continue;
        if (c == SHARP_S) {
            sharp_s++;
            continue;
        }
        /* a hyphen or underscore between two parts, neither empty */
        if (!is_separator(c) || i == 0 || i == len - 1 ||
            is_separator(PyUnicode_READ(kind, data, i - 1))) {
            return 0;
        }
    }
    if (plain) return plain_zipfs(self, strtable_key(kind, data, len), values);
    /* wordfreq case-folds ß to ss before it tokenizes */
    Py_UCS4 *chars = PyMem_Malloc((size_t)(len + sharp_s) * sizeof(Py_UCS4));
    if (chars == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    Py_ssize_t size = 0;
    for (Py_ssize_t i = 0; i < len; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        chars[size++] = c == SHARP_S ? 's' : c;
        if (c == SHARP_S) chars[size++] = 's';
    }
    int found = parts_zipfs(self, chars, size, values);
    PyMem_Free(chars);
    return found;
}

static PyObject *Zipf_zipfs(Zipf *self, PyObject *word) {
    if (!PyUnicode_Check(word)) {
        PyErr_SetString(PyExc_TypeError, "zipfs() needs a str");
        return NULL;
    }
    if (self->entries.entries == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "Zipf was not initialised");
        return NULL;
    }
    double values[LANGS];
    int found = zipf_values((PyObject *)self, PyUnicode_KIND(word), PyUnicode_DATA(word),
                            PyUnicode_GET_LENGTH(word), values);
    if (found < 0) return NULL;
    if (found == 0) Py_RETURN_NONE;
    return values_tuple(values);
}

/* Drop the merged table. */
static void clear_entries(Zipf *self) {
    strtable_free(&self->entries);
    PyMem_Free(self->freqs);
    self->freqs = NULL;
}

/* The index in `freqs` of a table frequency (`indices`: frequency -> index), added if new. */
static Py_ssize_t freq_index(Zipf *self, PyObject *indices, PyObject *value, Py_ssize_t *count) {
    PyObject *known = PyDict_GetItemWithError(indices, value);
    if (known != NULL) return PyLong_AsSsize_t(known);
    if (PyErr_Occurred()) return -1;
    double freq = PyFloat_AsDouble(value);
    if (freq == -1.0 && PyErr_Occurred()) return -1;
    if (*count == MAX_FREQS) {
        PyErr_SetString(PyExc_ValueError, "the tables hold too many distinct frequencies");
        return -1;
    }
    PyObject *index = PyLong_FromSsize_t(*count);
    if (index == NULL || PyDict_SetItem(indices, value, index) < 0) {
        Py_XDECREF(index);
        return -1;
    }
    Py_DECREF(index);
    self->freqs[*count] = freq;
    return (*count)++;
}

/* Merge the language tables (token -> table frequency, one dict per language) into `entries`:
 * each key once, with its frequency's index per language. 0, or -1 with an exception set. */
static int merge_tables(Zipf *self, PyObject *tables) {
    size_t total = 0;
    for (int lang = 0; lang < LANGS; lang++) {
        total += (size_t)PyDict_GET_SIZE(PyTuple_GET_ITEM(tables, lang));
    }
    if (strtable_init(&self->entries, total) < 0) return -1; /* a key per table at most */
    self->freqs = PyMem_Malloc(MAX_FREQS * sizeof(double));
    PyObject *indices = PyDict_New();
    if (self->freqs == NULL || indices == NULL) {
        Py_XDECREF(indices);
        clear_entries(self);
        if (!PyErr_Occurred()) PyErr_NoMemory();
        return -1;
    }
    Py_ssize_t count = 0;
    for (int lang = 0; lang < LANGS; lang++) {
        Py_ssize_t pos = 0;
        PyObject *key, *value;
        while (PyDict_Next(PyTuple_GET_ITEM(tables, lang), &pos, &key, &value)) {
            if (!PyUnicode_CheckExact(key)) {
                PyErr_SetString(PyExc_TypeError, "table keys must be str");
                goto fail;
            }
            Py_ssize_t index = freq_index(self, indices, value, &count);
            if (index < 0) goto fail;
            StrEntry *entry = strtable_add(&self->entries, strtable_key_of(key));
            entry->value |= (uint64_t)(index + 1) << (16 * lang);
        }
    }
    Py_DECREF(indices);
    double *fitted = PyMem_Realloc(self->freqs, (size_t)(count > 0 ? count : 1) * sizeof(double));
    if (fitted != NULL) self->freqs = fitted; /* else keep the larger block */
    return 0;
fail:
    Py_DECREF(indices);
    clear_entries(self);
    return -1;
}

static int Zipf_init(Zipf *self, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"tables",        "plain_letters",  "digit_freqs",   "year_log_peak",
                             "not_year_prob", "reference_year", "plateau_width", NULL};
    PyObject *tables, *plain, *digit_freqs;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O!UOddll", kwlist, &PyTuple_Type, &tables,
                                     &plain, &digit_freqs, &self->year_log_peak,
                                     &self->not_year_prob, &self->reference_year,
                                     &self->plateau_width)) {
        return -1;
    }
    if (PyTuple_GET_SIZE(tables) != LANGS) {
        PyErr_SetString(PyExc_ValueError, "tables must hold one dict per language");
        return -1;
    }
    for (int lang = 0; lang < LANGS; lang++) {
        if (!PyDict_Check(PyTuple_GET_ITEM(tables, lang))) {
            PyErr_SetString(PyExc_TypeError, "tables must hold dicts");
            return -1;
        }
    }
    memset(self->plain, 0, sizeof self->plain);
    Py_ssize_t count = PyUnicode_GET_LENGTH(plain);
    for (Py_ssize_t i = 0; i < count; i++) {
        Py_UCS4 c = PyUnicode_READ_CHAR(plain, i);
        if (c >= PLAIN_LIMIT || c == '-' || is_digit(c)) {
            PyErr_SetString(PyExc_ValueError, "plain letters lie below U+0250, no digit or '-'");
            return -1;
        }
        self->plain[c] = 1;
    }
    PyObject *seq = PySequence_Fast(digit_freqs, "digit_freqs must be a sequence");
    if (seq == NULL) return -1;
    if (PySequence_Fast_GET_SIZE(seq) != 10) {
        Py_DECREF(seq);
        PyErr_SetString(PyExc_ValueError, "digit_freqs must hold 10 values");
        return -1;
    }
    for (int d = 0; d < 10; d++) {
        self->digit_freqs[d] = PyFloat_AsDouble(PySequence_Fast_GET_ITEM(seq, d));
        if (self->digit_freqs[d] == -1.0 && PyErr_Occurred()) {
            Py_DECREF(seq);
            return -1;
        }
    }
    Py_DECREF(seq);
    memset(self->memo_used, 0, sizeof self->memo_used);
    self->memo_count = 0;
    clear_entries(self);
    return merge_tables(self, tables);
}

static void Zipf_dealloc(Zipf *self) {
    clear_entries(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyMethodDef Zipf_methods[] = {
    {"zipfs", (PyCFunction)Zipf_zipfs, METH_O,
     "The word's values in each language, or None where the Python path decides."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject ZipfType = {PyVarObject_HEAD_INIT(NULL, 0)};

static struct PyModuleDef zipf_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "douane.detect._zipf",
    .m_doc = "Word frequencies in C (see _wordfreq.zipfs).",
    .m_size = -1,
};

PyMODINIT_FUNC PyInit__zipf(void) {
    ZipfType.tp_name = "douane.detect._zipf.Zipf";
    ZipfType.tp_basicsize = sizeof(Zipf);
    ZipfType.tp_flags = Py_TPFLAGS_DEFAULT;
    ZipfType.tp_doc = "wordfreq's values for words that need no tokenizer; see the module source.";
    ZipfType.tp_new = PyType_GenericNew;
    ZipfType.tp_init = (initproc)Zipf_init;
    ZipfType.tp_dealloc = (destructor)Zipf_dealloc;
    ZipfType.tp_methods = Zipf_methods;
    PyObject *module = douane_module(&zipf_module, &ZipfType, "Zipf");
    if (module == NULL) return NULL;
    static ZipfApi api = {&ZipfType, zipf_values};
    PyObject *capsule = PyCapsule_New(&api, ZIPF_CAPSULE, NULL);
    if (capsule == NULL || PyModule_AddObject(module, "_C_API", capsule) < 0) {
        Py_XDECREF(capsule);
        Py_DECREF(module);
        return NULL;
    }
    return module;
}

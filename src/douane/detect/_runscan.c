/* Capitalised runs for the PERSON detector, in C: the same spans as `_runs.RUN_PATTERN`.
 *
 * The regex (a big capital class, a look-behind, possessive repeats) cost `re` about 140
 * instructions per character, a fifth of a warm scan; this loop costs a table look-up per
 * character. Its grammar, where a capital is one of the characters the finder is built with,
 * a word character is what `re` calls \w (str.isalnum() or "_"), and a tail character is a word
 * character or an apostrophe (' or U+2019):
 *
 *   run   = capital (not after a word character or "-") tail (blanks particle* capital tail)*
 *   tail  = tail-char* ("-" tail-char+)* "."?
 *   blanks = [ \t]+, particle = one of the finder's particle words, then blanks
 *
 * Every repeat is possessive, as in the regex, so the scan never backtracks: linear time.
 * tests/detect/test_runs.py checks that both give the same spans.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

#include "_module.h"

#define MAX_PARTICLES 64
#define MAX_PARTICLE_LEN 7

typedef struct {
    PyObject_HEAD
    unsigned char *capital; /* capital[cp] for cp < ncapital */
    Py_UCS4 ncapital;
    int nparticles;
    char particles[MAX_PARTICLES][MAX_PARTICLE_LEN + 1];
    size_t particle_len[MAX_PARTICLES];
} RunFinder;

static inline int is_word(Py_UCS4 ch) {
    if (ch < 128) {
        return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
               ch == '_';
    }
    return Py_UNICODE_ISALNUM(ch);
}

static inline int is_tail(Py_UCS4 ch) { return ch == '\'' || ch == 0x2019 || is_word(ch); }

static inline int is_blank(Py_UCS4 ch) { return ch == ' ' || ch == '\t'; }

static inline int is_capital(const RunFinder *self, Py_UCS4 ch) {
    return ch < self->ncapital && self->capital[ch];
}

static int append_span(PyObject *out, Py_ssize_t start, Py_ssize_t end) {
    PyObject *span = PyTuple_New(2);
    if (span == NULL) return -1;
    PyObject *first = PyLong_FromSsize_t(start), *second = PyLong_FromSsize_t(end);
    if (first == NULL || second == NULL) {
        Py_XDECREF(first);
        Py_XDECREF(second);
        Py_DECREF(span);
        return -1;
    }
    PyTuple_SET_ITEM(span, 0, first);
    PyTuple_SET_ITEM(span, 1, second);
    int failed = PyList_Append(out, span);
    Py_DECREF(span);
    return failed;
}

/* One scanner per string kind (1, 2 or 4 bytes a character): CHAR is the code unit type. */
#define DEFINE_SCAN(NAME, CHAR)                                                                   \
    static Py_ssize_t NAME##_tail(const CHAR *s, Py_ssize_t q, Py_ssize_t n) {                    \
        while (q < n && is_tail(s[q])) q++;                                                       \
        while (q + 1 < n && s[q] == '-' && is_tail(s[q + 1])) {                                   \
            q += 2;                                                                               \
            while (q < n && is_tail(s[q])) q++;                                                   \
        }                                                                                         \
        if (q < n && s[q] == '.') q++;                                                            \
        return q;                                                                                 \
    }                                                                                             \
                                                                                                  \
    /* After the particle at k and its blanks, or k when no particle starts there. */             \
    static Py_ssize_t NAME##_particle(const RunFinder *self, const CHAR *s, Py_ssize_t k,         \
                                      Py_ssize_t n) {                                             \
        char word[MAX_PARTICLE_LEN];                                                              \
        Py_ssize_t m = k;                                                                         \
        while (m < n && m - k < MAX_PARTICLE_LEN && s[m] >= 'a' && s[m] <= 'z') {                 \
            word[m - k] = (char)s[m];                                                             \
            m++;                                                                                  \
        }                                                                                         \
        if (m == k || m >= n || !is_blank(s[m])) return k; /* also: longer than any particle */   \
        size_t size = (size_t)(m - k);                                                            \
        for (int i = 0; i < self->nparticles; i++) {                                              \
            if (self->particle_len[i] == size && self->particles[i][0] == word[0] &&              \
                memcmp(word, self->particles[i], size) == 0) {                                    \
                while (m < n && is_blank(s[m])) m++;                                              \
                return m;                                                                         \
            }                                                                                     \
        }                                                                                         \
        return k;                                                                                 \
    }                                                                                             \
                                                                                                  \
    static int NAME##_scan(const RunFinder *self, const CHAR *s, Py_ssize_t n, PyObject *out) {   \
        Py_ssize_t i = 0;                                                                         \
        while (i < n) {                                                                           \
            if (!is_capital(self, s[i]) || (i > 0 && (s[i - 1] == '-' || is_word(s[i - 1])))) {   \
                i++;                                                                              \
                continue;                                                                         \
            }                                                                                     \
            Py_ssize_t start = i, end = NAME##_tail(s, i + 1, n);                                 \
            while (end < n && is_blank(s[end])) {                                                 \
                Py_ssize_t k = end;                                                               \
                while (k < n && is_blank(s[k])) k++;                                              \
                for (Py_ssize_t next = NAME##_particle(self, s, k, n); next != k;                 \
                     next = NAME##_particle(self, s, k, n))                                       \
                    k = next;                                                                     \
                if (k >= n || !is_capital(self, s[k])) break;                                     \
                end = NAME##_tail(s, k + 1, n);                                                   \
            }                                                                                     \
            if (append_span(out, start, end) < 0) return -1;                                      \
            i = end;                                                                              \
        }                                                                                         \
        return 0;                                                                                 \
    }

DEFINE_SCAN(ucs1, Py_UCS1)
DEFINE_SCAN(ucs2, Py_UCS2)
DEFINE_SCAN(ucs4, Py_UCS4)

static PyObject *RunFinder_find(RunFinder *self, PyObject *text) {
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "find() takes a str");
        return NULL;
    }
    const void *data = PyUnicode_DATA(text);
    const Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    PyObject *out = PyList_New(0);
    if (out == NULL) return NULL;
    int failed;
    switch (PyUnicode_KIND(text)) {
        case PyUnicode_1BYTE_KIND:
            failed = ucs1_scan(self, (const Py_UCS1 *)data, n, out);
            break;
        case PyUnicode_2BYTE_KIND:
            failed = ucs2_scan(self, (const Py_UCS2 *)data, n, out);
            break;
        default:
            failed = ucs4_scan(self, (const Py_UCS4 *)data, n, out);
    }
    if (failed) {
        Py_DECREF(out);
        return NULL;
    }
    return out;
}

static int RunFinder_init(RunFinder *self, PyObject *args, PyObject *kwds) {
    static char *keywords[] = {"capitals", "particles", NULL};
    PyObject *capitals, *particles;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "UO!", keywords, &capitals, &PyTuple_Type,
                                     &particles))
        return -1;
    Py_ssize_t count = PyUnicode_GET_LENGTH(capitals);
    Py_UCS4 top = 0;
    for (Py_ssize_t i = 0; i < count; i++) {
        Py_UCS4 ch = PyUnicode_READ_CHAR(capitals, i);
        if (ch > 0xFFFF) {
            PyErr_SetString(PyExc_ValueError, "capitals must lie in the Basic Multilingual Plane");
            return -1;
        }
        if (ch >= top) top = ch + 1;
    }
    unsigned char *table = PyMem_Calloc(top ? top : 1, 1);
    if (table == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < count; i++) table[PyUnicode_READ_CHAR(capitals, i)] = 1;
    Py_ssize_t nparticles = PyTuple_GET_SIZE(particles);
    if (nparticles > MAX_PARTICLES) {
        PyMem_Free(table);
        PyErr_SetString(PyExc_ValueError, "too many particles");
        return -1;
    }
    for (Py_ssize_t i = 0; i < nparticles; i++) {
        PyObject *item = PyTuple_GET_ITEM(particles, i);
        Py_ssize_t size = 0;
        const char *word = PyUnicode_Check(item) ? PyUnicode_AsUTF8AndSize(item, &size) : NULL;
        int valid = word != NULL && size > 0 && size <= MAX_PARTICLE_LEN;
        for (Py_ssize_t j = 0; valid && j < size; j++) valid = word[j] >= 'a' && word[j] <= 'z';
        if (!valid) {
            PyMem_Free(table);
            PyErr_Clear();
            PyErr_Format(PyExc_ValueError, "a particle must be 1 to %d letters a-z",
                         MAX_PARTICLE_LEN);
            return -1;
        }
        memcpy(self->particles[i], word, (size_t)size + 1);
        self->particle_len[i] = (size_t)size;
    }
    PyMem_Free(self->capital);
    self->capital = table;
    self->ncapital = top;
    self->nparticles = (int)nparticles;
    return 0;
}

static void RunFinder_dealloc(RunFinder *self) {
    PyMem_Free(self->capital);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyMethodDef RunFinder_methods[] = {
    {"find", (PyCFunction)RunFinder_find, METH_O,
     "find(text) -> list of (start, end): the capitalised runs of text, in order."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject RunFinderType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "douane.detect._runscan.RunFinder",
    .tp_basicsize = sizeof(RunFinder),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "RunFinder(capitals: str, particles: tuple[str, ...]): finds capitalised runs.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)RunFinder_init,
    .tp_dealloc = (destructor)RunFinder_dealloc,
    .tp_methods = RunFinder_methods,
};

static struct PyModuleDef runscan_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_runscan",
    .m_doc = "Capitalised runs for the PERSON detector.",
    .m_size = -1,
};

PyMODINIT_FUNC PyInit__runscan(void) {
    return douane_module(&runscan_module, &RunFinderType, "RunFinder");
}

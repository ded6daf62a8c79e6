/* Shannon entropy of a string in C: validators.shannon_entropy's sum, bit for bit.
 *
 * The rules' entropy thresholds compare floats, so the sum adds the same terms in the same
 * order as the Python definition: one term -p * log2(p) per distinct character, in order of
 * first occurrence, p = count / length. Counting in Python cost a str.count call and a
 * math.log2 call per distinct character (~5 µs for a 32-character token); here it is a loop.
 * tests/detect/test_validators.py holds both to the textbook sum.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>

#include "_module.h"

/* Counts of the distinct characters of `text`, in order of first occurrence, found through an
 * open-addressing table of twice as many slots as characters (a power of two). */
static PyObject *shannon_entropy(PyObject *module, PyObject *text) {
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "shannon_entropy() needs a str");
        return NULL;
    }
    Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    if (length == 0) return PyFloat_FromDouble(0.0);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t slots = 16;
    while (slots < 2 * length) slots *= 2;
    Py_UCS4 *keys = PyMem_Malloc(slots * sizeof(Py_UCS4));
    Py_ssize_t *index = PyMem_Malloc(slots * sizeof(Py_ssize_t)); /* slot → order, -1 empty */
    Py_ssize_t *counts = PyMem_Malloc(length * sizeof(Py_ssize_t));
    if (keys == NULL || index == NULL || counts == NULL) {
        PyMem_Free(keys);
        PyMem_Free(index);
        PyMem_Free(counts);
        return PyErr_NoMemory();
    }
    for (Py_ssize_t s = 0; s < slots; s++) index[s] = -1;
    Py_ssize_t distinct = 0;
    for (Py_ssize_t i = 0; i < length; i++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        Py_ssize_t s = (Py_ssize_t)((ch * 2654435761u) & (Py_UCS4)(slots - 1));
        while (index[s] >= 0 && keys[s] != ch) s = (s + 1) & (slots - 1);
        if (index[s] < 0) {
            keys[s] = ch;
            index[s] = distinct;
            counts[distinct++] = 0;
        }
        counts[index[s]]++;
    }
    double total = 0.0;
    for (Py_ssize_t k = 0; k < distinct; k++) {
        double p = (double)counts[k] / (double)length;
        total -= p * log2(p);
    }
    PyMem_Free(keys);
    PyMem_Free(index);
    PyMem_Free(counts);
    return PyFloat_FromDouble(total);
}

static PyMethodDef entropy_methods[] = {
    {"shannon_entropy", shannon_entropy, METH_O, "Bits per character of a str (0 for empty)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef entropy_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "douane.detect._entropy",
    .m_doc = "Shannon entropy in C (see validators.shannon_entropy).",
    .m_size = -1,
    .m_methods = entropy_methods,
};

PyMODINIT_FUNC PyInit__entropy(void) {
    return douane_module(&entropy_module, NULL, "shannon_entropy");
}

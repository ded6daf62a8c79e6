/* _zipf.Zipf's values called from C: a capsule, so that _facts asks them without a Python call
 * (no lowered str for an ASCII word, no tuple of floats to unpack). */
#ifndef DOUANE_DETECT_ZIPF_H
#define DOUANE_DETECT_ZIPF_H

#include <Python.h>

#define ZIPF_LANGS 3
#define ZIPF_CAPSULE "douane.detect._zipf._C_API"

typedef struct {
    PyTypeObject *type; /* _zipf.Zipf */
    /* Zipf.zipfs for the `len` code points at `data` (a str's kind and data): 1 with `values`
     * set, 0 where zipfs gives None (the Python path decides), -1 with an exception set. */
    int (*values)(PyObject *zipf, int kind, const void *data, Py_ssize_t len,
                  double values[ZIPF_LANGS]);
} ZipfApi;

#endif

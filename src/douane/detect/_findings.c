/* A constructor of findings in C: what `base.finding_factory` builds, without its Python calls.
 *
 * `Finding` is a frozen dataclass with slots. Its generated __init__ calls object.__setattr__
 * once per field; base.finding_factory sets the slots through their descriptors instead, eight
 * calls per finding (about 2,000 instructions). Here a finding is allocated like
 * object.__new__(Finding) does and its slots are written at the offsets their member
 * descriptors declare: the same object, for a tenth of the cost.
 *
 *   FindingMaker(cls, fields, type, level, detector, label)(start, end, score) -> cls instance
 *
 * `fields` names cls's slots in the order start, end, type, level, detector, score, segment,
 * label; segment is 0. tests/detect/test_findings.py holds it to base.finding_factory.
 *
 * And the sweep of scanner.resolve_overlaps, which reads two slots of every finding:
 *
 *   SpanSweep(cls, greedy, fields, priorities=None, strong=0.0)(findings, segment=0)
 *       -> the resolved list, or None
 *
 * sorts the findings by (start, end), stable, and keeps each one that overlaps no other; each
 * cluster of overlapping findings is ranked and chosen here as scanner._greedy does, given the
 * type priorities (base.TYPE_PRIORITY) and the strong score; without them, or for a finding
 * whose score, detector or label is not a plain float or str, the cluster goes to `greedy`, and
 * so does the whole list when a span is empty. The kept findings of a segment other than 0 are
 * copies with that segment (a frozen dataclass's __init__ costs ~3 µs a copy). None when
 * `findings` is not a list of `cls` instances with int spans: then Python decides.
 * tests/detect/test_scanner.py holds it to scanner.python_resolve_overlaps.
 * `SpanSweep.in_bounds(findings, size)` checks what Scanner._collect checks of a detector's
 * findings.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

#include <math.h>

#include "_module.h"

#define NFIELDS 8
enum { START, END, TYPE, LEVEL, DETECTOR, SCORE, SEGMENT, LABEL };

typedef struct {
    PyObject_HEAD
    PyTypeObject *cls;
    Py_ssize_t offset[NFIELDS];
    PyObject *fixed[NFIELDS]; /* the values every finding shares; NULL where the call gives it */
} FindingMaker;

static void FindingMaker_clear_values(FindingMaker *self) {
    Py_CLEAR(self->cls);
    for (int i = 0; i < NFIELDS; i++) Py_CLEAR(self->fixed[i]);
}

/* The offset of the writable object slot `name` of `cls`, or -1 with an exception set. */
static Py_ssize_t slot_offset(PyTypeObject *cls, PyObject *name) {
    PyObject *descr = PyObject_GetAttr((PyObject *)cls, name);
    if (descr == NULL) return -1;
    Py_ssize_t offset = -1;
    if (Py_IS_TYPE(descr, &PyMemberDescr_Type)) {
        PyMemberDef *member = ((PyMemberDescrObject *)descr)->d_member;
        if (member->type == T_OBJECT_EX && !(member->flags & READONLY)) offset = member->offset;
    }
    if (offset < 0) PyErr_Format(PyExc_TypeError, "%R is not an object slot of %R", name, cls);
    Py_DECREF(descr);
    return offset;
}

/* The slot of `object` at `offset`, for reading or writing its value (NULL when unset). */
static inline PyObject **slot(PyObject *object, Py_ssize_t offset) {
    return (PyObject **)((char *)object + offset);
}

/* The offsets of the NFIELDS slots that `fields` names, in its order; -1 with an exception set. */
static int slot_offsets(PyObject *cls, PyObject *fields, Py_ssize_t offset[NFIELDS]) {
    if (PyTuple_GET_SIZE(fields) != NFIELDS) {
        PyErr_SetString(PyExc_ValueError, "fields must name 8 slots");
        return -1;
    }
    for (int i = 0; i < NFIELDS; i++) {
        offset[i] = slot_offset((PyTypeObject *)cls, PyTuple_GET_ITEM(fields, i));
        if (offset[i] < 0) return -1;
    }
    return 0;
}

static int FindingMaker_init(FindingMaker *self, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"cls", "fields", "type", "level", "detector", "label", NULL};
    PyObject *cls, *fields, *type, *level, *detector, *label;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O!O!OOUU", kwlist, &PyType_Type, &cls,
                                     &PyTuple_Type, &fields, &type, &level, &detector, &label)) {
        return -1;
    }
    FindingMaker_clear_values(self);
    if (slot_offsets(cls, fields, self->offset) < 0) return -1;
    self->fixed[SEGMENT] = PyLong_FromLong(0);
    if (self->fixed[SEGMENT] == NULL) return -1;
    self->cls = (PyTypeObject *)Py_NewRef(cls);
    self->fixed[TYPE] = Py_NewRef(type);
    self->fixed[LEVEL] = Py_NewRef(level);
    self->fixed[DETECTOR] = Py_NewRef(detector);
    self->fixed[LABEL] = Py_NewRef(label);
    return 0;
}

static PyObject *FindingMaker_call(FindingMaker *self, PyObject *args, PyObject *kwds) {
    PyObject *start, *end, *score;
    if (self->cls == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "FindingMaker was not initialised");
        return NULL;
    }
    if (kwds != NULL && PyDict_GET_SIZE(kwds) > 0) {
        PyErr_SetString(PyExc_TypeError, "FindingMaker takes no keyword arguments");
        return NULL;
    }
    if (!PyArg_UnpackTuple(args, "FindingMaker", 3, 3, &start, &end, &score)) return NULL;
    PyObject *finding = self->cls->tp_alloc(self->cls, 0);
    if (finding == NULL) return NULL;
    PyObject *given[NFIELDS] = {[START] = start, [END] = end, [SCORE] = score};
    for (int i = 0; i < NFIELDS; i++) {
        PyObject *value = self->fixed[i] != NULL ? self->fixed[i] : given[i];
        Py_INCREF(value);
        *slot(finding, self->offset[i]) = value;
    }
    return finding;
}

static int FindingMaker_traverse(FindingMaker *self, visitproc visit, void *arg) {
    Py_VISIT(self->cls);
    for (int i = 0; i < NFIELDS; i++) Py_VISIT(self->fixed[i]);
    return 0;
}

static int FindingMaker_tp_clear(FindingMaker *self) {
    FindingMaker_clear_values(self);
    return 0;
}

static void FindingMaker_dealloc(FindingMaker *self) {
    PyObject_GC_UnTrack(self);
    FindingMaker_clear_values(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyTypeObject FindingMakerType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "douane.detect._findings.FindingMaker",
    .tp_basicsize = sizeof(FindingMaker),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "FindingMaker(cls, fields, type, level, detector, label)(start, end, score)",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)FindingMaker_init,
    .tp_call = (ternaryfunc)FindingMaker_call,
    .tp_traverse = (traverseproc)FindingMaker_traverse,
    .tp_clear = (inquiry)FindingMaker_tp_clear,
    .tp_dealloc = (destructor)FindingMaker_dealloc,
};

/* ---- SpanSweep ------------------------------------------------------------------------- */

typedef struct {
    PyObject_HEAD
    PyTypeObject *cls;
    PyObject *greedy;
    PyObject *priorities; /* type -> priority (base.TYPE_PRIORITY), or NULL: `greedy` ranks */
    double strong;        /* scanner.STRONG_SCORE */
    Py_ssize_t offset[NFIELDS];
} SpanSweep;

typedef struct {
    Py_ssize_t start, end, index;
} Span;

static int span_order(const void *a, const void *b) {
    const Span *x = a, *y = b;
    if (x->start != y->start) return x->start < y->start ? -1 : 1;
    if (x->end != y->end) return x->end < y->end ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index; /* stable, as sorted() */
}

static int SpanSweep_init(SpanSweep *self, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"cls", "greedy", "fields", "priorities", "strong", NULL};
    PyObject *cls, *greedy, *fields, *priorities = NULL;
    double strong = 0.0;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O!OO!|O!d", kwlist, &PyType_Type, &cls, &greedy,
                                     &PyTuple_Type, &fields, &PyDict_Type, &priorities, &strong)) {
        return -1;
    }
    if (!PyCallable_Check(greedy)) {
        PyErr_SetString(PyExc_TypeError, "greedy must be callable");
        return -1;
    }
    if (slot_offsets(cls, fields, self->offset) < 0) return -1;
    Py_XSETREF(self->cls, (PyTypeObject *)Py_NewRef(cls));
    Py_XSETREF(self->greedy, Py_NewRef(greedy));
    Py_XSETREF(self->priorities, Py_XNewRef(priorities));
    self->strong = strong;
    return 0;
}

/* A copy of the finding `item` (a cls instance) with `segment` in its segment slot. */
static PyObject *with_segment(SpanSweep *self, PyObject *item, PyObject *segment) {
    PyObject *copy = self->cls->tp_alloc(self->cls, 0);
    if (copy == NULL) return NULL;
    for (int i = 0; i < NFIELDS; i++) {
        PyObject *value = i == SEGMENT ? segment : *slot(item, self->offset[i]);
        *slot(copy, self->offset[i]) = Py_XNewRef(value);
    }
    return copy;
}

/* The findings of `kept` copied with `segment`, in place; -1 on error. */
static int set_segment(SpanSweep *self, PyObject *kept, PyObject *segment) {
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(kept); i++) {
        PyObject *item = PyList_GET_ITEM(kept, i);
        if (Py_TYPE(item) != self->cls) {
            PyErr_SetString(PyExc_TypeError, "greedy returned a finding of another class");
            return -1;
        }
        PyObject *copy = with_segment(self, item, segment);
        if (copy == NULL) return -1;
        PyList_SET_ITEM(kept, i, copy);
        Py_DECREF(item);
    }
    return 0;
}

/* The int in the slot at `offset` of `item`; 0 with no exception set when it is not one. */
static int read_slot(PyObject *item, Py_ssize_t offset, Py_ssize_t *out) {
    PyObject *value = *slot(item, offset);
    if (value == NULL || !PyLong_CheckExact(value)) return 0;
    *out = PyLong_AsSsize_t(value);
    if (*out == -1 && PyErr_Occurred()) {
        PyErr_Clear(); /* beyond a C integer: Python decides */
        return 0;
    }
    return 1;
}

/* One finding of a cluster with the fields of scanner._rank. */
typedef struct {
    int weak; /* 0 when validated (score >= strong) */
    long priority;
    double score;
    Py_ssize_t start, end, index;
    PyObject *detector, *label; /* borrowed exact str */
} Ranked;

/* scanner._rank's order, then the cluster's own (sorted() is stable). */
static int rank_order(const void *a, const void *b) {
    const Ranked *x = a, *y = b;
    if (x->weak != y->weak) return x->weak - y->weak;
    if (x->priority != y->priority) return x->priority > y->priority ? -1 : 1;
    Py_ssize_t x_len = x->end - x->start, y_len = y->end - y->start;
    if (x_len != y_len) return x_len > y_len ? -1 : 1;
    if (x->score != y->score) return x->score > y->score ? -1 : 1;
    if (x->start != y->start) return x->start < y->start ? -1 : 1;
    int c = PyUnicode_Compare(x->detector, y->detector); /* exact str: never fails */
    if (c == 0) c = PyUnicode_Compare(x->label, y->label);
    if (c != 0) return c;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* The rank fields of `item`; 0 when one is not what _rank expects (Python decides then). */
static int read_rank(SpanSweep *self, PyObject *item, Py_ssize_t index, Ranked *out) {
    PyObject *score = *slot(item, self->offset[SCORE]), *type = *slot(item, self->offset[TYPE]);
    out->detector = *slot(item, self->offset[DETECTOR]);
    out->label = *slot(item, self->offset[LABEL]);
    if (score == NULL || !PyFloat_CheckExact(score) || type == NULL || out->detector == NULL ||
        !PyUnicode_CheckExact(out->detector) || out->label == NULL ||
        !PyUnicode_CheckExact(out->label) || !read_slot(item, self->offset[START], &out->start) ||
        !read_slot(item, self->offset[END], &out->end)) {
        return 0;
    }
    out->score = PyFloat_AS_DOUBLE(score);
    if (isnan(out->score)) return 0;
    PyObject *priority = PyDict_GetItemWithError(self->priorities, type);
    if (priority == NULL) {
        if (PyErr_Occurred()) {
            PyErr_Clear(); /* an unhashable type: Python decides */
            return 0;
        }
        out->priority = 0;
    } else {
        if (!PyLong_CheckExact(priority)) return 0;
        out->priority = PyLong_AsLong(priority);
        if (out->priority == -1 && PyErr_Occurred()) {
            PyErr_Clear();
            return 0;
        }
    }
    out->weak = !(out->score >= self->strong);
    out->index = index;
    return 1;
}

/* scanner._greedy over sorted[low:high] (non-empty spans) appended to `out`: 1 done, 0 when a
 * finding does not fit the C ranking (nothing appended), -1 on error. The kept spans never
 * overlap, so they stay sorted by start and each candidate is checked against its neighbours
 * there, found by bisection, as _greedy does. */
static int c_greedy(SpanSweep *self, PyObject *sorted, Py_ssize_t low, Py_ssize_t high,
                    PyObject *out) {
    Py_ssize_t count = high - low;
    Ranked *ranked = PyMem_Malloc((size_t)count * sizeof(Ranked));
    Span *kept = PyMem_Malloc((size_t)count * sizeof(Span));
    if (ranked == NULL || kept == NULL) {
        PyMem_Free(ranked);
        PyMem_Free(kept);
        PyErr_NoMemory();
        return -1;
    }
    int result = 1;
    for (Py_ssize_t i = 0; i < count && result; i++) {
        result = read_rank(self, PyList_GET_ITEM(sorted, low + i), i, &ranked[i]);
    }
    Py_ssize_t n = 0;
    if (result) qsort(ranked, (size_t)count, sizeof(Ranked), rank_order);
    for (Py_ssize_t i = 0; i < count && result; i++) {
        const Ranked *f = &ranked[i];
        Py_ssize_t lo = 0, hi = n; /* bisect_right of f's start among the kept starts */
        while (lo < hi) {
            Py_ssize_t mid = lo + (hi - lo) / 2;
            if (kept[mid].start <= f->start) lo = mid + 1;
            else hi = mid;
        }
        if ((lo > 0 && kept[lo - 1].end > f->start) || (lo < n && kept[lo].start < f->end)) {
            continue;
        }
        memmove(&kept[lo + 1], &kept[lo], (size_t)(n - lo) * sizeof(Span));
        kept[lo] = (Span){f->start, f->end, f->index};
        n++;
    }
    for (Py_ssize_t i = 0; i < n && result > 0; i++) {
        if (PyList_Append(out, PyList_GET_ITEM(sorted, low + kept[i].index)) < 0) result = -1;
    }
    PyMem_Free(ranked);
    PyMem_Free(kept);
    return result;
}

/* Append greedy(sorted[low:high]) to `out`; -1 on error. */
static int append_greedy(SpanSweep *self, PyObject *sorted, Py_ssize_t low, Py_ssize_t high,
                         PyObject *out) {
    if (self->priorities != NULL) {
        int done = c_greedy(self, sorted, low, high, out);
        if (done != 0) return done < 0 ? -1 : 0;
    }
    PyObject *cluster = PyList_GetSlice(sorted, low, high);
    PyObject *kept = cluster == NULL ? NULL : PyObject_CallOneArg(self->greedy, cluster);
    Py_XDECREF(cluster);
    if (kept == NULL) return -1;
    Py_ssize_t size = PyList_GET_SIZE(out);
    int failed = PyList_SetSlice(out, size, size, kept);
    Py_DECREF(kept);
    return failed;
}

static PyObject *SpanSweep_call(SpanSweep *self, PyObject *args, PyObject *kwds) {
    PyObject *findings, *segment = NULL;
    if (self->cls == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "SpanSweep was not initialised");
        return NULL;
    }
    if ((kwds != NULL && PyDict_GET_SIZE(kwds) > 0) ||
        !PyArg_UnpackTuple(args, "SpanSweep", 1, 2, &findings, &segment)) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "SpanSweep takes no keywords");
        return NULL;
    }
    if (segment != NULL && !PyLong_CheckExact(segment)) {
        PyErr_SetString(PyExc_TypeError, "segment must be an int");
        return NULL;
    }
    if (!PyList_CheckExact(findings)) Py_RETURN_NONE;
    Py_ssize_t count = PyList_GET_SIZE(findings);
    Span *spans = PyMem_Malloc((size_t)(count ? count : 1) * sizeof(Span));
    if (spans == NULL) return PyErr_NoMemory();
    PyObject *sorted = NULL, *out = NULL;
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *item = PyList_GET_ITEM(findings, i);
        spans[i].index = i;
        if (Py_TYPE(item) != self->cls || !read_slot(item, self->offset[START], &spans[i].start) ||
            !read_slot(item, self->offset[END], &spans[i].end)) {
            PyMem_Free(spans);
            Py_RETURN_NONE;
        }
    }
    qsort(spans, (size_t)count, sizeof(Span), span_order);
    sorted = PyList_New(count);
    if (sorted == NULL) goto done;
    for (Py_ssize_t i = 0; i < count; i++) {
        PyList_SET_ITEM(sorted, i, Py_NewRef(PyList_GET_ITEM(findings, spans[i].index)));
    }
    int empty = 0;
    for (Py_ssize_t i = 0; i < count && !empty; i++) empty = spans[i].end <= spans[i].start;
    if (count < 2 || empty) { /* resolve_overlaps' plain paths */
        out = count < 2 ? Py_NewRef(sorted) : PyObject_CallOneArg(self->greedy, sorted);
        goto done;
    }
    out = PyList_New(0);
    if (out == NULL) goto done;
    Py_ssize_t first = 0, reach = spans[0].end;
    for (Py_ssize_t i = 1; i <= count; i++) {
        if (i < count && spans[i].start < reach) {
            if (spans[i].end > reach) reach = spans[i].end;
            continue;
        }
        int failed = i - first == 1
                         ? PyList_Append(out, PyList_GET_ITEM(sorted, first))
                         : append_greedy(self, sorted, first, i, out);
        if (failed) {
            Py_CLEAR(out);
            goto done;
        }
        if (i < count) {
            first = i;
            reach = spans[i].end;
        }
    }
done:
    PyMem_Free(spans);
    Py_XDECREF(sorted);
    if (out != NULL && segment != NULL && PyObject_IsTrue(segment)) { /* an int: never fails */
        if (!PyList_CheckExact(out)) {
            Py_CLEAR(out);
            PyErr_SetString(PyExc_TypeError, "greedy must return a list");
        } else if (set_segment(self, out, segment) < 0) {
            Py_CLEAR(out);
        }
    }
    return out;
}

/* in_bounds(findings, size): True when `findings` is a list of cls instances, each with int
 * offsets 0 <= start < end <= size and segment 0: what Scanner._collect checks of each finding
 * a detector returns, without an attribute look-up per field. False leaves it to Python. */
static PyObject *SpanSweep_in_bounds(SpanSweep *self, PyObject *const *args, Py_ssize_t nargs) {
    if (self->cls == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "SpanSweep was not initialised");
        return NULL;
    }
    if (nargs != 2 || !PyLong_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "in_bounds(findings, size: int)");
        return NULL;
    }
    Py_ssize_t size = PyLong_AsSsize_t(args[1]);
    if (size == -1 && PyErr_Occurred()) return NULL;
    PyObject *findings = args[0];
    if (!PyList_CheckExact(findings)) Py_RETURN_FALSE;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(findings); i++) {
        PyObject *item = PyList_GET_ITEM(findings, i);
        Py_ssize_t start, end, segment;
        if (Py_TYPE(item) != self->cls || !read_slot(item, self->offset[START], &start) ||
            !read_slot(item, self->offset[END], &end) ||
            !read_slot(item, self->offset[SEGMENT], &segment) || !(0 <= start) ||
            !(start < end) || !(end <= size) || segment != 0) {
            Py_RETURN_FALSE;
        }
    }
    Py_RETURN_TRUE;
}

static PyMethodDef SpanSweep_methods[] = {
    {"in_bounds", (PyCFunction)(void (*)(void))SpanSweep_in_bounds, METH_FASTCALL,
     "True when every finding of a list is a plain one inside the text, with segment 0."},
    {NULL, NULL, 0, NULL},
};

static int SpanSweep_traverse(SpanSweep *self, visitproc visit, void *arg) {
    Py_VISIT(self->cls);
    Py_VISIT(self->greedy);
    Py_VISIT(self->priorities);
    return 0;
}

static int SpanSweep_tp_clear(SpanSweep *self) {
    Py_CLEAR(self->cls);
    Py_CLEAR(self->greedy);
    Py_CLEAR(self->priorities);
    return 0;
}

static void SpanSweep_dealloc(SpanSweep *self) {
    PyObject_GC_UnTrack(self);
    SpanSweep_tp_clear(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyTypeObject SpanSweepType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "douane.detect._findings.SpanSweep",
    .tp_basicsize = sizeof(SpanSweep),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "SpanSweep(cls, greedy, fields, priorities=None, strong=0.0)(findings, "
              "segment=0): resolve_overlaps' sweep",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)SpanSweep_init,
    .tp_call = (ternaryfunc)SpanSweep_call,
    .tp_methods = SpanSweep_methods,
    .tp_traverse = (traverseproc)SpanSweep_traverse,
    .tp_clear = (inquiry)SpanSweep_tp_clear,
    .tp_dealloc = (destructor)SpanSweep_dealloc,
};

static struct PyModuleDef findings_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "douane.detect._findings",
    .m_doc = "A constructor of findings in C (see base.finding_factory).",
    .m_size = -1,
};

PyMODINIT_FUNC PyInit__findings(void) {
    PyObject *module = douane_module(&findings_module, &FindingMakerType, "FindingMaker");
    if (module == NULL) return NULL;
    PyObject *all = PyObject_GetAttrString(module, "__all__");
    PyObject *name = PyUnicode_FromString("SpanSweep");
    int failed = all == NULL || name == NULL || PyList_Append(all, name) < 0 ||
                 PyType_Ready(&SpanSweepType) < 0 ||
                 PyModule_AddObjectRef(module, "SpanSweep", (PyObject *)&SpanSweepType) < 0;
    Py_XDECREF(all);
    Py_XDECREF(name);
    if (failed) Py_CLEAR(module);
    return module;
}

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
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

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

static int FindingMaker_init(FindingMaker *self, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"cls", "fields", "type", "level", "detector", "label", NULL};
    PyObject *cls, *fields, *type, *level, *detector, *label;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O!O!OOUU", kwlist, &PyType_Type, &cls,
                                     &PyTuple_Type, &fields, &type, &level, &detector, &label)) {
        return -1;
    }
    if (PyTuple_GET_SIZE(fields) != NFIELDS) {
        PyErr_SetString(PyExc_ValueError, "fields must name 8 slots");
        return -1;
    }
    FindingMaker_clear_values(self);
    for (int i = 0; i < NFIELDS; i++) {
        self->offset[i] = slot_offset((PyTypeObject *)cls, PyTuple_GET_ITEM(fields, i));
        if (self->offset[i] < 0) return -1;
    }
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
        *(PyObject **)((char *)finding + self->offset[i]) = value;
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

static struct PyModuleDef findings_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "douane.detect._findings",
    .m_doc = "A constructor of findings in C (see base.finding_factory).",
    .m_size = -1,
};

PyMODINIT_FUNC PyInit__findings(void) {
    return douane_module(&findings_module, &FindingMakerType, "FindingMaker");
}

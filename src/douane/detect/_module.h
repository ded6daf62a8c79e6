/* The import step every native detection module shares (C and C++). */
#ifndef DOUANE_DETECT_MODULE_H
#define DOUANE_DETECT_MODULE_H

#include <Python.h>

/* The module of `def` with `__all__ = [name]` and, unless `type` is NULL (a module of functions),
 * `type` readied and added as `name`; NULL with the exception set when a step fails. */
static PyObject *douane_module(PyModuleDef *def, PyTypeObject *type, const char *name) {
    if (type != NULL && PyType_Ready(type) < 0) return NULL;
    PyObject *module = PyModule_Create(def);
    if (module == NULL) return NULL;
    PyObject *all = Py_BuildValue("[s]", name);
    if (all == NULL || PyModule_AddObject(module, "__all__", all) < 0) {
        Py_XDECREF(all);
        Py_DECREF(module);
        return NULL;
    }
    if (type != NULL && PyModule_AddObjectRef(module, name, (PyObject *)type) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}

#endif

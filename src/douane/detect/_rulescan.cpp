/* The rule detector's regex work in C++, against RE2 itself: the Set pass and each rule's
 * search loop, with no Python call per match.
 *
 * The google-re2 binding costs about 8,000 instructions per call (pybind11's argument and
 * result conversion), more than the search it wraps; a scan made ~1,900 such calls per pass over
 * the dev corpus. Here one call finds every candidate of one rule in a text.
 *
 * `RuleMatcher(rules, rule_max_mem, set_max_mem)`, where each rule is
 * (pattern, group, deny_group, set_pattern):
 *
 *   hits(data, start, end) -> sorted indices of the rules whose set_pattern occurs in
 *                             data[start:end], searched as a text of its own (RE2::Set)
 *   find(index, data, windows) -> [start, end, start, end, ...]: the byte spans of the rule's
 *                             reported group in each (low, high) window, searched with the
 *                             whole of `data` as context, as rules._scan_window does
 *
 * `_rulematch.PythonMatcher` does the same through the google-re2 binding;
 * tests/detect/test_rulematch.py holds both to one result.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "_module.h"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <memory>
#include <new>
#include <string>
#include <vector>

namespace {

// The submatches a rule may report or veto with: its groups up to this number.
constexpr int kMaxSubmatches = 32;

struct Rule {
    std::unique_ptr<re2::RE2> regexp;
    int group;  // the submatch whose span is reported
    int deny;   // a submatch that vetoes the match when it takes part, or -1
    int nsub;   // submatches to ask for: no more than the checks need (fewer is faster)
};

struct RuleMatcher {
    PyObject_HEAD
    std::vector<Rule> *rules;
    re2::RE2::Set *set;
};

re2::RE2::Options options(long long max_mem) {
    re2::RE2::Options opts;  // the defaults of google-re2's Options()
    opts.set_max_mem(max_mem);
    opts.set_log_errors(false);
    return opts;
}

int add_rule(RuleMatcher *self, PyObject *item, Py_ssize_t index, const re2::RE2::Options &opts) {
    const char *pattern, *set_pattern;
    Py_ssize_t pattern_len, set_len;
    int group, deny;
    if (!PyArg_ParseTuple(item, "s#iis#", &pattern, &pattern_len, &group, &deny, &set_pattern,
                          &set_len)) {
        return -1;
    }
    auto regexp = std::make_unique<re2::RE2>(re2::StringPiece(pattern, pattern_len), opts);
    if (!regexp->ok()) {
        PyErr_Format(PyExc_ValueError, "rule %zd: %s", index, regexp->error().c_str());
        return -1;
    }
    int groups = regexp->NumberOfCapturingGroups();
    if (group < 0 || group > groups || deny < -1 || deny > groups ||
        std::max(group, deny) >= kMaxSubmatches) {
        PyErr_Format(PyExc_ValueError, "rule %zd: no group %d or %d", index, group, deny);
        return -1;
    }
    std::string error;
    if (self->set->Add(re2::StringPiece(set_pattern, set_len), &error) < 0) {
        PyErr_Format(PyExc_ValueError, "rule %zd: %s", index, error.c_str());
        return -1;
    }
    int nsub = std::max(group, deny) + 1;
    self->rules->push_back(Rule{std::move(regexp), group, deny, nsub});
    return 0;
}

int RuleMatcher_init(RuleMatcher *self, PyObject *args, PyObject *kwds) {
    static const char *kwlist[] = {"rules", "rule_max_mem", "set_max_mem", nullptr};
    PyObject *rules;
    long long rule_max_mem, set_max_mem;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OLL", const_cast<char **>(kwlist), &rules,
                                     &rule_max_mem, &set_max_mem)) {
        return -1;
    }
    PyObject *seq = PySequence_Fast(rules, "rules must be a sequence");
    if (seq == nullptr) return -1;
    delete self->rules;
    delete self->set;
    self->rules = nullptr;
    self->set = nullptr;
    int status = 0;
    try {
        self->rules = new std::vector<Rule>();
        self->set = new re2::RE2::Set(options(set_max_mem), re2::RE2::UNANCHORED);
        re2::RE2::Options rule_options = options(rule_max_mem);
        Py_ssize_t count = PySequence_Fast_GET_SIZE(seq);
        for (Py_ssize_t i = 0; i < count && status == 0; i++) {
            status = add_rule(self, PySequence_Fast_GET_ITEM(seq, i), i, rule_options);
        }
        if (status == 0 && !self->set->Compile()) {
            PyErr_SetString(PyExc_MemoryError, "the rules' RE2 Set does not fit its max_mem");
            status = -1;
        }
    } catch (const std::bad_alloc &) {
        PyErr_NoMemory();
        status = -1;
    }
    Py_DECREF(seq);
    return status;
}

void RuleMatcher_dealloc(RuleMatcher *self) {
    delete self->rules;
    delete self->set;
    Py_TYPE(self)->tp_free(reinterpret_cast<PyObject *>(self));
}

/* The bytes of `data` and a checked [start, end) range in them; end < 0 means the end. */
int byte_range(PyObject *data, Py_ssize_t *start, Py_ssize_t *end) {
    if (!PyBytes_Check(data)) {
        PyErr_SetString(PyExc_TypeError, "data must be bytes");
        return -1;
    }
    Py_ssize_t size = PyBytes_GET_SIZE(data);
    if (*end < 0) *end = size;
    if (*start < 0 || *start > *end || *end > size) {
        PyErr_SetString(PyExc_ValueError, "range outside the data");
        return -1;
    }
    return 0;
}

/* A Python int argument as Py_ssize_t; -1 with an error set when it is none. */
int ssize_arg(PyObject *arg, Py_ssize_t *out) {
    if (!PyLong_Check(arg)) {
        PyErr_Format(PyExc_TypeError, "an int is required, not %.100s", Py_TYPE(arg)->tp_name);
        return -1;
    }
    *out = PyLong_AsSsize_t(arg);
    return (*out == -1 && PyErr_Occurred()) ? -1 : 0;
}

/* METH_FASTCALL: no argument tuple per call (the scan makes ~1,600 of these a pass). */
PyObject *RuleMatcher_hits(RuleMatcher *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs < 1 || nargs > 3) {
        PyErr_SetString(PyExc_TypeError, "hits(data, start=0, end=-1)");
        return nullptr;
    }
    PyObject *data = args[0];
    Py_ssize_t start = 0, end = -1;
    if ((nargs > 1 && ssize_arg(args[1], &start) < 0) ||
        (nargs > 2 && ssize_arg(args[2], &end) < 0)) {
        return nullptr;
    }
    if (self->set == nullptr) {
        PyErr_SetString(PyExc_RuntimeError, "RuleMatcher was not initialised");
        return nullptr;
    }
    if (byte_range(data, &start, &end) < 0) return nullptr;
    std::vector<int> found;
    re2::RE2::Set::ErrorInfo error{};
    bool matched = self->set->Match(
        re2::StringPiece(PyBytes_AS_STRING(data) + start, end - start), &found, &error);
    if (!matched && error.kind != re2::RE2::Set::kNoError) {
        // Never an empty answer for a search that did not finish: the caller fails closed.
        PyErr_Format(PyExc_MemoryError, "the rules' RE2 Set failed (error %d)",
                     static_cast<int>(error.kind));
        return nullptr;
    }
    std::sort(found.begin(), found.end());
    PyObject *out = PyList_New(static_cast<Py_ssize_t>(found.size()));
    if (out == nullptr) return nullptr;
    for (size_t i = 0; i < found.size(); i++) {
        PyObject *number = PyLong_FromLong(found[i]);
        if (number == nullptr) {
            Py_DECREF(out);
            return nullptr;
        }
        PyList_SET_ITEM(out, static_cast<Py_ssize_t>(i), number);
    }
    return out;
}

/* A (low, high) window of two ints. */
int window_arg(PyObject *window, Py_ssize_t *low, Py_ssize_t *high) {
    if (!PyTuple_Check(window) || PyTuple_GET_SIZE(window) != 2) {
        PyErr_SetString(PyExc_TypeError, "a window is a (low, high) tuple of ints");
        return -1;
    }
    return ssize_arg(PyTuple_GET_ITEM(window, 0), low) < 0 ||
                   ssize_arg(PyTuple_GET_ITEM(window, 1), high) < 0
               ? -1
               : 0;
}

int append_int(PyObject *out, Py_ssize_t value) {
    PyObject *number = PyLong_FromSsize_t(value);
    if (number == nullptr) return -1;
    int failed = PyList_Append(out, number);
    Py_DECREF(number);
    return failed;
}

/* Append the spans of `rule` in data[pos:end] to `out` (the loop of rules._scan_window). */
int find_in(const Rule &rule, const char *base, size_t size, size_t pos, size_t end,
            PyObject *out) {
    re2::StringPiece text(base, size);
    re2::StringPiece sub[kMaxSubmatches];
    while (pos < end) {
        if (!rule.regexp->Match(text, pos, end, re2::RE2::UNANCHORED, sub, rule.nsub)) return 0;
        size_t m_start = sub[0].data() - base, m_end = m_start + sub[0].size();
        pos = m_end > m_start ? m_end : m_end + 1;  // past an empty match, as finditer
        const re2::StringPiece &group = sub[rule.group];
        if (group.data() == nullptr || group.empty()) continue;
        if (rule.deny >= 0 && sub[rule.deny].data() != nullptr) continue;
        Py_ssize_t g_start = group.data() - base;
        if (append_int(out, g_start) < 0 ||
            append_int(out, g_start + static_cast<Py_ssize_t>(group.size())) < 0) {
            return -1;
        }
    }
    return 0;
}

PyObject *RuleMatcher_find(RuleMatcher *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 3) {
        PyErr_SetString(PyExc_TypeError, "find(index, data, windows)");
        return nullptr;
    }
    Py_ssize_t index;
    PyObject *data = args[1], *windows = args[2];
    if (ssize_arg(args[0], &index) < 0) return nullptr;
    if (self->rules == nullptr) {
        PyErr_SetString(PyExc_RuntimeError, "RuleMatcher was not initialised");
        return nullptr;
    }
    if (index < 0 || index >= static_cast<Py_ssize_t>(self->rules->size())) {
        PyErr_SetString(PyExc_IndexError, "no such rule");
        return nullptr;
    }
    Py_ssize_t start = 0, end = -1;
    if (byte_range(data, &start, &end) < 0) return nullptr;
    PyObject *seq = PySequence_Fast(windows, "windows must be a sequence");
    if (seq == nullptr) return nullptr;
    PyObject *out = PyList_New(0);
    const Rule &rule = (*self->rules)[index];
    for (Py_ssize_t i = 0; out != nullptr && i < PySequence_Fast_GET_SIZE(seq); i++) {
        Py_ssize_t low, high;
        if (window_arg(PySequence_Fast_GET_ITEM(seq, i), &low, &high) < 0 ||
            byte_range(data, &low, &high) < 0 ||
            find_in(rule, PyBytes_AS_STRING(data), static_cast<size_t>(end), low, high, out) < 0) {
            Py_CLEAR(out);
        }
    }
    Py_DECREF(seq);
    return out;
}

PyMethodDef RuleMatcher_methods[] = {
    {"hits", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)(void)>(RuleMatcher_hits)),
     METH_FASTCALL,
     "Sorted indices of the rules whose set pattern occurs in data[start:end]."},
    {"find", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)(void)>(RuleMatcher_find)),
     METH_FASTCALL,
     "Flat [start, end, ...] byte spans of one rule's reported group in the windows."},
    {nullptr, nullptr, 0, nullptr},
};

PyTypeObject RuleMatcherType = {PyVarObject_HEAD_INIT(nullptr, 0)};

PyModuleDef module_def = {PyModuleDef_HEAD_INIT};

}  // namespace

PyMODINIT_FUNC PyInit__rulescan(void) {
    RuleMatcherType.tp_name = "douane.detect._rulescan.RuleMatcher";
    RuleMatcherType.tp_basicsize = sizeof(RuleMatcher);
    RuleMatcherType.tp_flags = Py_TPFLAGS_DEFAULT;
    RuleMatcherType.tp_doc = "The rules' RE2 Set and search loops; see the module source.";
    RuleMatcherType.tp_new = PyType_GenericNew;
    RuleMatcherType.tp_init = reinterpret_cast<initproc>(RuleMatcher_init);
    RuleMatcherType.tp_dealloc = reinterpret_cast<destructor>(RuleMatcher_dealloc);
    RuleMatcherType.tp_methods = RuleMatcher_methods;

    module_def.m_name = "douane.detect._rulescan";
    module_def.m_doc = "The rule detector's RE2 Set and search loops (C++).";
    module_def.m_size = -1;
    return douane_module(&module_def, &RuleMatcherType, "RuleMatcher");
}

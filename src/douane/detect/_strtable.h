/* A fixed table of strings -> 64-bit values, probed without touching a key object.
 *
 * A word met for the first time costs a cache miss at every step of a look-up, and a dict of
 * str keys has four steps: its index, its entry, the key's stored hash and the key's characters
 * (a dict of str keys keeps no hash in its entries). Here an entry holds two 64-bit hashes of the
 * word's code points and its value, 24 bytes: one step, one miss. Two different words share both
 * hashes with a chance of about 2^-128, far below the machine's own error rate, so the table keeps
 * no keys. The hashes are of code points, not of bytes: a word built in a UCS4 buffer finds the
 * entry of the same word stored from a one-byte str.
 */
#ifndef DOUANE_DETECT_STRTABLE_H
#define DOUANE_DETECT_STRTABLE_H

#include <Python.h>
#include <stdint.h>

typedef struct {
    uint64_t hash;  /* probes start at hash & mask */
    uint64_t print; /* a second, independent hash; 0 marks an empty entry */
    uint64_t value;
} StrEntry;

typedef struct {
    StrEntry *entries; /* NULL, or mask + 1 entries (a power of two), at most 2/3 full */
    size_t mask;
} StrTable;

typedef struct {
    uint64_t hash, print;
} StrKey;

/* MurmurHash3's 64-bit finaliser: every input bit reaches every output bit. */
static inline uint64_t strtable_mix(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    x ^= x >> 33;
    return x;
}

/* The key of the `len` code points in `data` (a str's kind and data, or PyUnicode_4BYTE_KIND and
 * a UCS4 buffer): FNV-1a and a multiply-rotate hash, each finalised with the length. */
static inline StrKey strtable_key(int kind, const void *data, Py_ssize_t len) {
    uint64_t a = 0xcbf29ce484222325ull, b = 0x9e3779b97f4a7c15ull;
    for (Py_ssize_t i = 0; i < len; i++) {
        uint64_t c = PyUnicode_READ(kind, data, i);
        a = (a ^ c) * 0x100000001b3ull;
        b = (b ^ c) * 0xbf58476d1ce4e5b9ull;
        b = (b << 27) | (b >> 37);
    }
    StrKey key = {strtable_mix(a ^ (uint64_t)len), strtable_mix(b + (uint64_t)len) | 1};
    return key;
}

static inline StrKey strtable_key_of(PyObject *str) {
    return strtable_key(PyUnicode_KIND(str), PyUnicode_DATA(str), PyUnicode_GET_LENGTH(str));
}

/* An empty table sized for `count` keys; 0, or -1 with MemoryError set. */
static int strtable_init(StrTable *table, size_t count) {
    size_t size = 8;
    while (size < count + count / 2) size <<= 1;
    table->entries = PyMem_Calloc(size, sizeof(StrEntry));
    table->mask = size - 1;
    if (table->entries == NULL) {
        table->mask = 0;
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

static void strtable_free(StrTable *table) {
    PyMem_Free(table->entries);
    table->entries = NULL;
    table->mask = 0;
}

/* The entry of `key`, or the empty one where its probe ends (set its hash and print to add it). */
static inline StrEntry *strtable_slot(const StrTable *table, StrKey key) {
    for (size_t slot = (size_t)key.hash & table->mask;; slot = (slot + 1) & table->mask) {
        StrEntry *entry = &table->entries[slot];
        if (entry->print == 0 || (entry->print == key.print && entry->hash == key.hash)) {
            return entry;
        }
    }
}

/* The value stored for `key`, or NULL when the table does not hold it. */
static inline const StrEntry *strtable_find(const StrTable *table, StrKey key) {
    const StrEntry *entry = strtable_slot(table, key);
    return entry->print == 0 ? NULL : entry;
}

/* The entry of `key`, added (value 0) if new. */
static inline StrEntry *strtable_add(StrTable *table, StrKey key) {
    StrEntry *entry = strtable_slot(table, key);
    if (entry->print == 0) {
        entry->hash = key.hash;
        entry->print = key.print;
    }
    return entry;
}

#endif

"""The tamper-evident audit ledger: hash-chained, signed records of what crossed where."""

from douane.ledger.chain import GENESIS, Entry
from douane.ledger.ledger import Ledger
from douane.ledger.signing import Signer, load_public_keys, load_signer
from douane.ledger.verify import Problem, VerifyReport, verify_connection

__all__ = [
    "GENESIS",
    "Entry",
    "Ledger",
    "Problem",
    "Signer",
    "VerifyReport",
    "load_public_keys",
    "load_signer",
    "verify_connection",
]

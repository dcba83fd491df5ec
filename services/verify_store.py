"""verify-store: does the object store hold, intact, every object the catalog names?

Every object under our key families is read through the store's sha256-verifying reader (bit
rot, a truncated copy, an object rewritten by hand); an original is also checked against the
digest its document row recorded; what no row names is reported as an orphan.
"""

from __future__ import annotations

from models.backup import Progress, StoreReport, quiet
from models.errors import IntegrityError, NotFound
from services.context import Context
from services.sweep import PREFIXES
from storage.catalog.inventory import Inventory


def verify_store(ctx: Context, progress: Progress = quiet) -> StoreReport:
    named = dict(Inventory(ctx.catalog.engine).named_objects())
    listed = [entry.key for prefix in PREFIXES for entry in ctx.store.list(prefix)]
    present = set(listed)
    report = StoreReport(missing=sorted(key for key in named if key not in present))
    for done, key in enumerate(listed, start=1):
        report.checked += 1
        try:
            with ctx.store.open(key) as reader:
                for _chunk in reader:
                    pass
                recorded = reader.info.sha256
        except IntegrityError:
            report.corrupt.append(key)
            continue
        except NotFound:  # gone since the listing
            if key in named:
                report.missing.append(key)
            continue
        expected = named.get(key)
        if expected is not None and expected != recorded:
            report.corrupt.append(key)  # intact bytes, but not the paper the catalog recorded
        progress("objects", done, len(listed))
    referenced = ctx.catalog.referenced(listed)
    report.orphans = [key for key in listed if key not in referenced]
    return report

"""A test harness, not production code: run the real intake in a child process and stop it
between the object write and the catalog commit, so the parent can SIGKILL it there.

Settings come from the SOHOA_* environment. The child uploads argv[2] into dossier argv[1];
when intake calls the catalog to commit, it prints OBJECT-WRITTEN and waits to be killed.
"""

import sys
import time
from pathlib import Path

from models.auth import Actor, Principal, Role
from services import intake
from services.context import Context
from services.settings import Settings

ADMIN = Actor(Principal(user_id=0, username="tests", role=Role.ADMIN, agency_code=None))


def main() -> None:
    dossier_code, path = sys.argv[1], Path(sys.argv[2])
    ctx = Context.open(Settings())

    def add_documents_then_hang(*_args: object, **_kwargs: object) -> None:
        print("OBJECT-WRITTEN", flush=True)
        while True:
            time.sleep(60)

    ctx.catalog.add_documents = add_documents_then_hang  # type: ignore[method-assign,assignment]
    with path.open("rb") as stream:
        intake.upload_documents(ctx, ADMIN, dossier_code, [intake.Upload(path.name, stream)])
    print("COMMITTED", flush=True)  # never reached: the parent kills us first


if __name__ == "__main__":
    main()

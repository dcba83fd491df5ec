"""Who may do what: roles, the permissions they grant, and the principal a request acts as.

Roles follow the one-stop shop's people (design.md §1). Agency scoping is separate from roles: a
principal with an agency sees only dossiers received by that agency; one without (admin,
auditor) is not limited to an agency.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    CLERK = "clerk"  # cán bộ một cửa: opens dossiers, uploads scans, reads its agency's papers
    OFFICER = "officer"  # cán bộ xử lý: reads, searches and certifies copies of its agency's papers
    ARCHIVIST = "archivist"  # cán bộ lưu trữ: bulk backfile into its agency
    AUDITOR = "auditor"  # reads the audit log and the 766 report, never a paper
    ADMIN = "admin"  # manages users; sees every agency


class Permission(StrEnum):
    CREATE_DOSSIER = "create_dossier"
    UPLOAD = "upload"
    READ_PAPERS = "read_papers"
    SEARCH = "search"
    BACKFILE = "backfile"
    READ_AUDIT = "read_audit"
    READ_REPORTS = "read_reports"
    """Aggregate figures (the 766 indicators): counts of dossiers, never a paper or a name."""
    MANAGE_USERS = "manage_users"
    CERTIFY = "certify"
    """Make a certified electronic copy (SAO Y, SAO LỤC, TRÍCH SAO, Decree 30/2020 art. 25-26)
    of a paper of the principal's agency, signed with the agency's key."""


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.CLERK: frozenset(
        {Permission.CREATE_DOSSIER, Permission.UPLOAD, Permission.READ_PAPERS, Permission.SEARCH}
    ),
    Role.OFFICER: frozenset(
        {
            Permission.READ_PAPERS,
            Permission.SEARCH,
            Permission.READ_REPORTS,
            Permission.CERTIFY,
        }
    ),
    Role.ARCHIVIST: frozenset(
        {
            Permission.BACKFILE,
            Permission.CREATE_DOSSIER,
            Permission.UPLOAD,
            Permission.READ_PAPERS,
            Permission.SEARCH,
        }
    ),
    Role.AUDITOR: frozenset({Permission.READ_AUDIT, Permission.READ_REPORTS}),
    Role.ADMIN: frozenset(Permission),
}

ROLES_WITHOUT_AGENCY = frozenset({Role.ADMIN, Role.AUDITOR})
"""Roles that may exist without an agency; every other role must belong to one."""


@dataclass(frozen=True)
class Principal:
    user_id: int
    username: str
    role: Role
    agency_code: str | None

    def can(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]

    def sees_agency(self, agency_code: str) -> bool:
        return self.agency_code is None or self.agency_code == agency_code


@dataclass(frozen=True)
class Actor:
    """A principal acting from somewhere: what the audit log records of a request."""

    principal: Principal
    origin: str | None = None


class AuditAction(StrEnum):
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGIN_THROTTLED = "login_throttled"
    CREATE = "create"
    UPLOAD = "upload"
    READ = "read"
    DOWNLOAD = "download"
    CHANGE = "change"
    LINK = "link"
    DELETE = "delete"
    DENIED = "denied"
    USER_ADDED = "user_added"
    KEY_ISSUED = "key_issued"
    AUDIT_READ = "audit_read"
    SEARCH = "search"
    CERTIFY = "certify"

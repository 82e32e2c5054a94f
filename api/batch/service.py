"""Running a batch: each operation through the same service as its own request, all of them
in one transaction (``editing.batched``), so that the first that fails leaves nothing written.
Each change records its own event, revision and search document as it would alone."""

from sqlmodel import Session

from api import editing
from api.auth.models import ApiKey
from api.batch.models import BatchOperation, BatchResult
from api.core.errors import FolioError, Moved, NotFound
from api.translations import reading
from api.translations import service as translations
from api.web.http import make_etag


def run(session: Session, operations: list[BatchOperation], *, key: ApiKey) -> list[BatchResult]:
    """Applies ``operations`` in order, flushed, not committed: the caller commits them all.

    The first that fails raises its own problem, naming its index (``operation``) and with
    its fields' locations under ``body.operations.{index}``."""
    results = []
    editing.begin(session)
    with editing.batched(session):
        for index, operation in enumerate(operations):
            try:
                results.append(_apply(session, index, operation, key))
            except FolioError as exc:
                raise _failed(exc, index, operation) from exc
    return results


def _apply(session: Session, index: int, operation: BatchOperation, key: ApiKey) -> BatchResult:
    if operation.locale is not None:
        return _translate(session, index, operation, key)
    writes = editing.room(operation.collection)
    ref = operation.ref or ""
    status = 200
    if operation.op == "create":
        row = writes.create(session, editing.parse(writes.model, operation.body), key=key)
        status = 201
    elif operation.op == "replace":
        data = editing.parse(writes.model, operation.body)
        row = writes.update(session, ref, data=data, key=key, if_match=operation.if_match)
    elif operation.op == "patch":
        row = writes.update(
            session, ref, patch=operation.body, key=key, if_match=operation.if_match
        )
    else:
        row = writes.delete(session, ref, key=key, if_match=operation.if_match)
        return BatchResult(
            index=index,
            op=operation.op,
            collection=operation.collection,
            status=204,
            id=row.id,
            slug=row.slug,
            etag=None,
            data=None,
        )
    public = writes.kind.public(session, row)
    return BatchResult(
        index=index,
        op=operation.op,
        collection=operation.collection,
        status=status,
        id=row.id,
        slug=row.slug,
        etag=make_etag(editing.etag_body(public)),
        data=public,
    )


def _translate(session: Session, index: int, operation: BatchOperation, key: ApiKey) -> BatchResult:
    """A write of a translation, through the service its own route calls."""
    t = reading.translatable(operation.collection)
    ref, locale = operation.ref or "", operation.locale or ""
    result = {"index": index, "op": operation.op, "collection": operation.collection}
    if operation.op == "delete":
        gone = translations.get(session, t, ref, locale)
        translations.delete_translation(
            session, t, ref, locale, key=key, if_match=operation.if_match
        )
        return BatchResult(
            **result,
            status=204,
            id=gone.resource_id,
            slug=gone.slug,
            locale=gone.locale,
            etag=None,
            data=None,
        )
    if operation.op == "replace":
        data = editing.parse(t.model, operation.body)
        row, new = translations.put(
            session, t, ref, locale, data=data, key=key, if_match=operation.if_match
        )
    else:
        row, new = translations.put(
            session, t, ref, locale, patch=operation.body, key=key, if_match=operation.if_match
        )
    public = translations.to_public(session, t, row)
    return BatchResult(
        **result,
        status=201 if new else 200,
        id=public.resource_id,
        slug=public.slug,
        locale=public.locale,
        etag=make_etag(editing.etag_body(public)),
        data=public,
    )


def _failed(exc: FolioError, index: int, operation: BatchOperation) -> FolioError:
    """The operation's own problem, said of the operation."""
    if isinstance(exc, Moved):  # no redirect inside a batch: the operation names what is gone
        exc = NotFound(f"{exc.detail} Use its current slug or id.")
    where = f"{operation.op} {operation.collection}" + (
        f"/{operation.ref}" if operation.ref else ""
    )
    if operation.locale is not None:
        where += f"/translations/{operation.locale}"
    exc.detail = f"operations[{index}] ({where}): {exc.detail}"
    if exc.errors:
        exc.errors = [{**error, "loc": _located(error["loc"], index)} for error in exc.errors]
    exc.extensions["operation"] = index
    return exc


def _located(loc: list[str], index: int) -> list[str]:
    if loc[:1] == ["path"]:  # a path parameter (ref, locale) is a field of the operation
        return ["body", "operations", str(index), *loc[1:]]
    rest = loc[1:] if loc[:1] == ["body"] else loc
    return ["body", "operations", str(index), "body", *rest]

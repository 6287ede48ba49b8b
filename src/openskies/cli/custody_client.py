"""A delegation's side of custody, run on its own machine against a server URL with a token:
``openskies keys …``, ``openskies data upload|deliver|request|download`` and
``openskies ledger witness``. The private key stays in the ``--key`` file (mode 0600)."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Annotated, Any

import typer

from openskies.adapters.custody_client import (
    CustodyClient,
    http_client,
    read_key,
    write_key,
)
from openskies.cli._common import console, print_json
from openskies.cli.custody import data_app, ledger_app
from openskies.custody import (
    Ed25519Signer,
    SignedTreeHead,
    key_id,
    parse_public_keys,
    witness_cosign,
)
from openskies.errors import InputError

__all__ = ["keys_app"]

keys_app = typer.Typer(help="The delegation's own Ed25519 key.", no_args_is_help=True)

Server = Annotated[str, typer.Option(help="The openskies server, e.g. https://host:8000.")]
Token = Annotated[str, typer.Option(help="The delegation's API token.", envvar="OPENSKIES_TOKEN")]
KeyFile = Annotated[Path, typer.Option("--key", help="The delegation's private key (PEM).")]
AsJson = Annotated[bool, typer.Option("--json")]


def _client(server: str, token: str, key: Path) -> CustodyClient:
    return CustodyClient(http_client(server, token), read_key(key))


def _show(doc: Any, as_json: bool, line: str) -> None:
    if as_json:
        print_json(doc)
    else:
        console.print(line)


@keys_app.command("init")
def keys_init(
    out: Annotated[Path, typer.Option(help="Write the new private key here (mode 0600).")],
    server: Annotated[str | None, typer.Option(help="Register it with this server.")] = None,
    token: Annotated[
        str | None, typer.Option(help="The delegation's API token.", envvar="OPENSKIES_TOKEN")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Generate an Ed25519 key on this machine; register only its public key (if --server)."""
    if out.exists():
        raise InputError(f"--out: {out} exists; a key is never overwritten")
    signer = Ed25519Signer.generate()
    write_key(out, signer)
    doc: dict[str, Any] = {"key_id": signer.key_id, "file": str(out)}
    if server:
        if not token:
            raise InputError("--token: needed to register the key with --server")
        with CustodyClient(http_client(server, token), signer) as client:
            doc["registered"] = client.register_key()
    _show(doc, as_json, f"key {signer.key_id} written to {out} (mode 0600)")


@keys_app.command("register")
def keys_register(server: Server, token: Token, key: KeyFile, as_json: AsJson = False) -> None:
    """Register the key file's public key for the token's delegation."""
    with _client(server, token, key) as client:
        doc = client.register_key()
    _show(doc, as_json, f"key {doc['key_id']} registered for {doc['state']}")


@keys_app.command("rotate")
def keys_rotate(
    server: Server,
    token: Token,
    key: KeyFile,
    out: Annotated[Path, typer.Option(help="Write the new private key here (mode 0600).")],
    as_json: AsJson = False,
) -> None:
    """Replace the key in --key by a new one (written to --out): a dated, logged rotation."""
    old = read_key(key)
    if out.exists():
        raise InputError(f"--out: {out} exists; a key is never overwritten")
    new = Ed25519Signer.generate()
    write_key(out, new)
    with CustodyClient(http_client(server, token), new) as client:
        doc = client.register_key(replaces=old.key_id)
    _show(doc, as_json, f"key {new.key_id} replaces {old.key_id}")


@keys_app.command("revoke")
def keys_revoke(
    server: Server,
    token: Token,
    key: KeyFile,
    key_id_: Annotated[str, typer.Argument(metavar="KEY_ID", help="The key to withdraw.")],
    as_json: AsJson = False,
) -> None:
    """Withdraw a key (signed with --key, a current key of the delegation)."""
    with _client(server, token, key) as client:
        doc = client.revoke_key(key_id_)
    _show(doc, as_json, f"key {key_id_} revoked at {doc['revoked_at']}")


def _annotation(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise InputError(f"--annotation: {path}: no such file")
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(f"--annotation: {path}: not valid JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise InputError("--annotation: the Annex B annotation is a JSON object")
    return doc


@data_app.command("upload")
def data_upload(
    file: Annotated[Path, typer.Argument(help="The sensor data file.")],
    flight: Annotated[str, typer.Option(help="The flight's id.")],
    annotation: Annotated[Path, typer.Option(help="Its Annex B annotation (JSON).")],
    server: Server,
    token: Token,
    key: KeyFile,
    as_json: AsJson = False,
) -> None:
    """Upload a flight's data as the observing Party's original; the ingest event is signed
    here."""
    if not file.is_file():
        raise InputError(f"FILE: {file}: no such file")
    with _client(server, token, key) as client:
        doc = client.upload(flight, file, _annotation(annotation))
    _show(doc, as_json, f"{doc['sha256']} in custody, ledger entry {doc['ledger_index']}")


@data_app.command("deliver")
def data_deliver(
    server: Server,
    token: Token,
    key: KeyFile,
    sha256: Annotated[
        str | None, typer.Argument(help="Deliver the observed Party's duplicate of this.")
    ] = None,
    request: Annotated[int | None, typer.Option(help="Deliver this copy request.")] = None,
    as_json: AsJson = False,
) -> None:
    """Deliver a duplicate: the observed Party's (SHA256) or a copy request's (--request)."""
    if (sha256 is None) == (request is None):
        raise InputError("SHA256 or --request: give exactly one")
    client = _client(server, token, key)
    doc = (
        client.deliver_request(request)
        if request is not None
        else client.deliver_duplicate(str(sha256))
    )
    _show(doc, as_json, f"delivered: ledger entry {doc.get('ledger_index')}")


@data_app.command("request")
def data_request(
    sha256: Annotated[str, typer.Argument(help="The object to request duplicates of.")],
    request: Annotated[Path, typer.Option(help="The copy request (JSON, Art. IX §IV ¶1).")],
    server: Server,
    token: Token,
    key: KeyFile,
    as_json: AsJson = False,
) -> None:
    """Request duplicates (Art. IX §IV ¶1); the request event is signed here."""
    with _client(server, token, key) as client:
        doc = client.request_copy(sha256, _annotation(request))
    _show(doc, as_json, f"copy request {doc['id']}: {doc['state']}")


@data_app.command("download")
def data_download(
    sha256: Annotated[str, typer.Argument(help="The object to fetch.")],
    out: Annotated[Path, typer.Option(help="Write the bytes here.")],
    server: Server,
    token: Token,
    key: KeyFile,
    as_json: AsJson = False,
) -> None:
    """Download an object this delegation holds; the download event is signed here and the
    bytes are checked against their SHA-256."""
    partial = out.with_name(out.name + ".part")
    with partial.open("wb") as handle, _client(server, token, key) as client:
        size = client.download(sha256, handle)
    partial.replace(out)
    _show({"sha256": sha256, "size": size}, as_json, f"{size:,} bytes written to {out}")


# --- the witness ------------------------------------------------------------------------------


def _save(path: Path, doc: Any) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(doc, indent=1), encoding="utf-8")
    tmp.replace(path)


def _fork(state: Path, why: str, heads: list[dict[str, Any]]) -> None:
    evidence = {"fork": why, "signed_tree_heads": heads}
    path = state / f"fork-{heads[-1]['tree_size']}.json"
    _save(path, evidence)
    typer.echo(f"ledger FORK: {why}\n{json.dumps(evidence, indent=1)}", err=True)
    typer.echo(f"the proof is kept in {path}", err=True)
    raise typer.Exit(1)


@ledger_app.command("witness")
def witness(
    server: Server,
    token: Token,
    key: KeyFile,
    state: Annotated[Path, typer.Option(help="This witness's memory: the last head it saw.")],
    as_json: AsJson = False,
) -> None:
    """Check the log's latest signed tree head extends the last one seen here (RFC 9162
    consistency proof), cosign it with the delegation's key and post the cosignature.

    Run it on a timer. The log's key is pinned on the first run (state/log-key.json); a fork
    (same size, other root; or a failed consistency proof) prints both signed heads, keeps
    them in state/fork-N.json and exits 1."""
    state.mkdir(parents=True, exist_ok=True)
    state.chmod(stat.S_IRWXU)
    with _client(server, token, key) as client:
        _witness(client, state, as_json)


def _witness(client: CustodyClient, state: Path, as_json: bool) -> None:
    http = client.http
    pinned_path = state / "log-key.json"
    served = http.get("/api/ledger/keys")
    if served.status_code >= 400:
        raise InputError(f"the server refused the log's key: HTTP {served.status_code}")
    if not pinned_path.exists():
        _save(pinned_path, served.json())
    pinned = json.loads(pinned_path.read_text(encoding="utf-8"))
    keys = parse_public_keys(pinned)
    head_doc = http.get("/api/ledger/tree-head")
    if head_doc.status_code >= 400:
        raise InputError(f"the server refused its tree head: HTTP {head_doc.status_code}")
    new = SignedTreeHead.from_json(head_doc.json())
    last_path = state / "head.json"
    previous = (
        SignedTreeHead.from_json(json.loads(last_path.read_text(encoding="utf-8")))
        if last_path.exists()
        else None
    )
    proof: list[bytes] = []
    if previous is not None:
        old, cur = previous.head, new.head
        if cur.tree_size < old.tree_size or (
            cur.tree_size == old.tree_size and cur.root_hash != old.root_hash
        ):
            _fork(
                state,
                f"the log showed size {old.tree_size} root {old.root_hash.hex()} before, now "
                f"size {cur.tree_size} root {cur.root_hash.hex()}",
                [previous.as_json(), new.as_json()],
            )
        got = http.get(
            "/api/ledger/consistency", params={"first": old.tree_size, "second": cur.tree_size}
        )
        if got.status_code >= 400:
            raise InputError(f"the server refused a consistency proof: HTTP {got.status_code}")
        proof = [bytes.fromhex(h) for h in got.json()["path"]]
    try:
        cosigned = witness_cosign(previous, new, proof, client.state, client.signer, keys)
    except InputError as error:
        if previous is None:
            raise
        _fork(state, str(error), [previous.as_json(), new.as_json()])
    mine = cosigned.signatures[-1]
    body = {
        "tree_size": new.head.tree_size,
        "root_hash": new.head.root_hash.hex(),
        "key_id": key_id(client.signer.public_key),
        "signature": mine.as_json()["signature"],
    }
    posted = http.post("/api/ledger/cosignatures", json=body)
    if posted.status_code >= 400:
        raise InputError(f"the server refused the cosignature: {posted.text[:300]}")
    _save(last_path, cosigned.as_json())
    with (state / "heads.jsonl").open("a", encoding="utf-8") as history:
        history.write(json.dumps(cosigned.as_json()) + "\n")
    _show(
        body,
        as_json,
        f"cosigned tree head of size {new.head.tree_size} as {client.state}",
    )

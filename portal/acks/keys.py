"""The server's signing key for acknowledgement records, kept in a file outside the database.

The hash chain alone proves only that nobody changed a record *without
recomputing every later hash*; someone with write access to the database can
do exactly that.  Each record's hash is therefore also signed with an Ed25519
key that lives in a file (``ACK_SIGNING_KEY_PATH``, default
``var/ack-signing-key.pem``, mode 0600): rewriting the chain then needs that
file as well.  Checking needs only the public key, which can be handed to an
auditor (``handbook acks public-key``).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import logging
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from portal.errors import HandbookError

log = logging.getLogger(__name__)

# A domain tag, so that a signature over a record can never be passed off as one over a checkpoint.
RECORD_TAG = b"handbook-ack-record-v1:"
CHECKPOINT_TAG = b"handbook-ack-checkpoint-v1:"


class SigningKeyMissing(HandbookError):
    user_message = "签署服务暂不可用：服务器签名密钥缺失，请联系系统管理员。"


class SigningKeyUnsafe(HandbookError):
    user_message = "签署服务暂不可用：服务器签名密钥文件的权限过宽，请联系系统管理员。"


def key_id_of(public: Ed25519PublicKey) -> str:
    """A short, stable name of a public key, stored with each signature (which key signed it)."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


@dataclass(frozen=True)
class RecordVerifier:
    """Checks signatures with a public key."""

    public: Ed25519PublicKey

    @functools.cached_property
    def key_id(self) -> str:  # asked once per record by verify: computed once
        return key_id_of(self.public)

    def public_pem(self) -> str:
        return self.public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode("ascii")

    def valid(self, tag: bytes, message: str, signature: str) -> bool:
        try:
            self.public.verify(base64.b64decode(signature, validate=True), tag + message.encode("utf-8"))
        except (InvalidSignature, ValueError):
            return False
        return True

    def record_signature_ok(self, record_hash: str, signature: str) -> bool:
        return self.valid(RECORD_TAG, record_hash, signature)


@dataclass(frozen=True)
class RecordSigner:
    """Signs record hashes and checkpoints with the private key (it can also check them)."""

    private: Ed25519PrivateKey

    @functools.cached_property
    def verifier(self) -> RecordVerifier:
        return RecordVerifier(self.private.public_key())

    @functools.cached_property
    def key_id(self) -> str:  # stored with every signature: computed once per key
        return self.verifier.key_id

    def signature(self, tag: bytes, message: str) -> str:
        return base64.b64encode(self.private.sign(tag + message.encode("utf-8"))).decode("ascii")

    def sign_record(self, record_hash: str) -> str:
        return self.signature(RECORD_TAG, record_hash)


def _refuse_open_permissions(path: Path) -> None:
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise SigningKeyUnsafe(
            f"signing key {path} is readable by group or others (mode {stat.filemode(mode)}); chmod 600 it"
        )


def load_signer(path: Path) -> RecordSigner:
    """The private key from its file; a clear error when it is missing, unreadable or too open."""
    if not path.is_file():
        raise SigningKeyMissing(f"acknowledgement signing key {path} is missing (ACK_SIGNING_KEY_PATH)")
    _refuse_open_permissions(path)
    found = path.stat()
    return _parsed_signer(str(path), found.st_ino, found.st_mtime_ns, found.st_size)


@functools.lru_cache(maxsize=8)
def _parsed_signer(path: str, _inode: int, _mtime_ns: int, _size: int) -> RecordSigner:
    """The key file parsed once per version of the file (every signature asks for it; a replaced or
    rewritten file has another inode, time or size and is read again)."""
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except (ValueError, TypeError, OSError) as error:
        raise SigningKeyMissing(f"acknowledgement signing key {path} cannot be read: {error}") from error
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyMissing(f"acknowledgement signing key {path} is not an Ed25519 key")
    return RecordSigner(key)


def load_verifier(path: Path) -> RecordVerifier:
    """A public key (PEM) from a file, or the public half of a private key file."""
    if not path.is_file():
        raise SigningKeyMissing(f"key file {path} is missing", f"找不到密钥文件：{path}")
    data = path.read_bytes()
    try:
        if b"PRIVATE KEY" in data:
            return load_signer(path).verifier
        public = serialization.load_pem_public_key(data)
    except ValueError as error:
        raise SigningKeyMissing(f"key file {path} cannot be read: {error}", f"无法读取密钥文件：{path}") from error
    if not isinstance(public, Ed25519PublicKey):
        raise SigningKeyMissing(f"key file {path} is not an Ed25519 key", f"密钥文件不是 Ed25519 密钥：{path}")
    return RecordVerifier(public)


def create_key(path: Path) -> RecordSigner:
    """A new key written to ``path`` (0600, its folder 0700 when we create it); never overwrites one."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    # O_EXCL: two workers creating the key at once cannot both win and sign with different keys.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    log.warning("created a new acknowledgement signing key %s (key id %s): back it up", path, key_id_of(key.public_key()))
    return RecordSigner(key)

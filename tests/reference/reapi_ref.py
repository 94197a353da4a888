#!/usr/bin/python3
"""Reference REAPI encoder/decoder built on Google's protobuf runtime, used by
casroot's integration tests as an implementation independent of casroot's C
code. It compiles remote_execution.proto (beside this file) with protoc on
first use.

  reapi_ref.py put --cas DIR --layout L [--capture-mtime] [--capture-unix-mode] PATH
  reapi_ref.py put-blob --cas DIR --layout L FILE
  reapi_ref.py put-message --cas DIR --layout L TYPE JSON
  reapi_ref.py decode --cas DIR --layout L TYPE DIGEST
"""
import argparse
import hashlib
import importlib
import json
import os
import stat
import subprocess
import sys
import tempfile

from google.protobuf import json_format

HERE = os.path.dirname(os.path.abspath(__file__))


def load_messages():
    with tempfile.TemporaryDirectory(prefix="reapi-ref-") as out:
        subprocess.run(["protoc", "--proto_path=" + HERE, "--proto_path=/usr/include",
                        "--python_out=" + out, "remote_execution.proto"], check=True)
        sys.path.insert(0, out)
        module = importlib.import_module("remote_execution_pb2")
        sys.path.remove(out)
        return module


pb = load_messages()


class Store:
    def __init__(self, root, layout):
        self.root, self.layout = root, layout

    def path(self, h):
        if self.layout == "casd":
            return os.path.join(self.root, "cas", "objects", h[:2], h[2:])
        if self.layout == "bazel":
            return os.path.join(self.root, "cas", h[:2], h)
        return os.path.join(self.root, h)

    def put(self, data):
        h = hashlib.sha256(data).hexdigest()
        p = self.path(h)
        if not os.path.exists(p):
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p + ".tmp", "wb") as f:
                f.write(data)
            os.chmod(p + ".tmp", 0o444)
            os.rename(p + ".tmp", p)
        return pb.Digest(hash=h, size_bytes=len(data))

    def get(self, digest_text):
        h, size = digest_text.replace("-", "/").split("/")
        with open(self.path(h), "rb") as f:
            data = f.read()
        assert len(data) == int(size) and hashlib.sha256(data).hexdigest() == h
        return data


def properties(st, args, with_mode):
    if not args.capture_mtime and not (args.capture_unix_mode and with_mode):
        return None
    p = pb.NodeProperties()
    if args.capture_mtime:
        p.mtime.seconds = st.st_mtime_ns // 10**9
        p.mtime.nanos = st.st_mtime_ns % 10**9
    if args.capture_unix_mode and with_mode:
        p.unix_mode.value = stat.S_IMODE(st.st_mode)
    return p


def put_tree(store, path, args):
    d = pb.Directory()
    names = sorted(os.listdir(os.fsencode(path)))  # bytewise, not locale order
    for raw in names:
        name = os.fsdecode(raw)
        full = os.path.join(os.fsencode(path), raw)
        st = os.lstat(full)
        props = None
        if stat.S_ISREG(st.st_mode):
            with open(full, "rb") as f:
                node = d.files.add(name=name, digest=store.put(f.read()),
                                   is_executable=bool(st.st_mode & stat.S_IXUSR))
            props = properties(st, args, True)
        elif stat.S_ISLNK(st.st_mode):
            node = d.symlinks.add(name=name, target=os.fsdecode(os.readlink(full)))
            props = properties(st, args, False)
        elif stat.S_ISDIR(st.st_mode):
            node = d.directories.add(name=name, digest=put_tree(store, full, args))
        else:
            continue
        if props is not None:
            node.node_properties.CopyFrom(props)
    own = properties(os.stat(path), args, True)
    if own is not None:
        d.node_properties.CopyFrom(own)
    return store.put(d.SerializeToString(deterministic=True))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("command")
    ap.add_argument("args", nargs="*")
    ap.add_argument("--cas", required=True)
    ap.add_argument("--layout", default="casd")
    ap.add_argument("--capture-mtime", action="store_true")
    ap.add_argument("--capture-unix-mode", action="store_true")
    args = ap.parse_intermixed_args()
    store = Store(args.cas, args.layout)
    if args.command == "put":
        d = put_tree(store, args.args[0], args)
    elif args.command == "put-blob":
        with open(args.args[0], "rb") as f:
            d = store.put(f.read())
    elif args.command == "put-message":
        msg = json_format.Parse(args.args[1], getattr(pb, args.args[0])())
        d = store.put(msg.SerializeToString(deterministic=True))
    elif args.command == "decode":
        msg = getattr(pb, args.args[0])()
        msg.ParseFromString(store.get(args.args[1]))
        print(json_format.MessageToJson(msg, preserving_proto_field_name=True))
        return
    else:
        sys.exit("unknown command " + args.command)
    print("%s/%d" % (d.hash, d.size_bytes))


if __name__ == "__main__":
    main()

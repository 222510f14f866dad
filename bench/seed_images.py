#!/usr/bin/env python3
"""Pushes benchmark images into a registry over its HTTP API (stdlib only; basic auth).

seed_images.py URL USER PASSWORD REPO TAG LAYERS LAYER_BYTES

Each image gets LAYERS random layers of LAYER_BYTES, a small config, and a Docker
schema 2 manifest under REPO:TAG. Prints the manifest digest.
"""
import base64
import hashlib
import json
import os
import sys
import urllib.parse
import urllib.request

URL, USER, PASSWORD, REPO, TAG = sys.argv[1:6]
LAYERS, LAYER_BYTES = int(sys.argv[6]), int(sys.argv[7])
AUTH = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()


def request(method, url, data=None, headers=None):
    req = urllib.request.Request(url if url.startswith("http") else URL + url, data=data, method=method)
    req.add_header("Authorization", AUTH)
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    with urllib.request.urlopen(req) as resp:
        return resp.status, resp.headers


def push_blob(data):
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    _, headers = request("POST", f"/v2/{REPO}/blobs/uploads/", b"")
    location = headers["Location"]
    sep = "&" if "?" in location else "?"
    request("PUT", location + sep + "digest=" + urllib.parse.quote(digest), data,
            {"Content-Type": "application/octet-stream"})
    return digest


layers = []
for _ in range(LAYERS):
    data = os.urandom(LAYER_BYTES)
    layers.append({"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                   "digest": push_blob(data), "size": len(data)})
config = json.dumps({"architecture": "amd64", "os": "linux",
                     "rootfs": {"type": "layers", "diff_ids": [l["digest"] for l in layers]}}).encode()
manifest = json.dumps({"schemaVersion": 2,
                       "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                       "config": {"mediaType": "application/vnd.docker.container.image.v1+json",
                                  "digest": push_blob(config), "size": len(config)},
                       "layers": layers}, indent=3).encode()
request("PUT", f"/v2/{REPO}/manifests/{TAG}", manifest,
        {"Content-Type": "application/vnd.docker.distribution.manifest.v2+json"})
print("sha256:" + hashlib.sha256(manifest).hexdigest())

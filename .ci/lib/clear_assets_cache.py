"""Forget the cached assets.json of the bench (run with the bench's python, fed on stdin).

usage: python - COMMON_SITE_CONFIG < clear_assets_cache.py
"""

import json
import sys

import redis

with open(sys.argv[1], encoding="utf-8") as f:
	url = json.load(f).get("redis_cache")
if url:
	redis.Redis.from_url(url).delete("assets_json")

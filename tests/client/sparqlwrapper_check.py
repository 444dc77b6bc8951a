"""A real SPARQL client against `akg serve`: SPARQLWrapper must get the same
results as `akg query` for every saved query, by GET and by POST, in JSON and
CSV, plus Turtle for CONSTRUCT; a malformed query must raise QueryBadFormed
and an update must be refused.

Usage: python3 sparqlwrapper_check.py ENDPOINT STORE AKG QUERIES_DIR
"""

import json
import pathlib
import subprocess
import sys
import urllib.error

from SPARQLWrapper import CSV, GET, JSON, POST, TURTLE, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

endpoint, store, akg, queries_dir = sys.argv[1:5]


def akg_query(text, fmt):
    return subprocess.run(
        [akg, "--store", store, "query", "-e", text, "--format", fmt],
        check=True,
        capture_output=True,
    ).stdout


def client(text, fmt, method):
    sparql = SPARQLWrapper(endpoint)
    sparql.setQuery(text)
    sparql.setReturnFormat(fmt)
    sparql.setMethod(method)
    return sparql.query()


checked = 0
for path in sorted(pathlib.Path(queries_dir).glob("*.rq")):
    text = path.read_text(encoding="utf-8")
    expected_json = json.loads(akg_query(text, "json"))
    expected_csv = akg_query(text, "csv")
    for method in (GET, POST):
        got = client(text, JSON, method).convert()
        assert got == expected_json, f"{path.name} {method}: JSON differs"
        got_csv = client(text, CSV, method).convert()
        assert got_csv == expected_csv, f"{path.name} {method}: CSV differs"
        checked += 2
    print(f"ok  {path.name}: {len(expected_json['results']['bindings'])} rows, GET and POST, JSON and CSV")

construct = (
    "CONSTRUCT { ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?l } "
    "WHERE { ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?l } LIMIT 20"
)
got = client(construct, TURTLE, GET).convert()
assert got == akg_query(construct, "turtle"), "CONSTRUCT Turtle differs"
print("ok  CONSTRUCT as Turtle")

try:
    client("SELECT ?x WHERE { ?x", JSON, GET).convert()
    raise AssertionError("a malformed query was accepted")
except QueryBadFormed as err:
    assert "invalid SPARQL" in str(err), err
    print("ok  malformed query: QueryBadFormed")

update = SPARQLWrapper(endpoint)
update.setMethod(POST)
update.setQuery("INSERT DATA { <http://a.example/s> <http://a.example/p> 1 }")
try:
    update.query()
    raise AssertionError("an update was accepted")
except urllib.error.HTTPError as err:
    assert err.code == 405, err.code
    print("ok  update: 405")
after = client("ASK { <http://a.example/s> ?p ?o }", JSON, GET).convert()
assert after["boolean"] is False

print(f"sparqlwrapper: {checked} query results identical to akg query")

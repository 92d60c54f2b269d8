"""Match the ARWU 2025 institutions to ROR records and write the location extract the panel build reads.

Usage: python match_arwu_ror.py ROR_RECORDS_CLONE DATA_SOURCES_DIR OUT_DIR   (OUT_DIR: city_data/derived)

A one-off derivation kept for provenance (not part of the package or the build). ROR_RECORDS_CLONE is a git
clone of github.com/ror-community/ror-records (the records of every ROR release, one JSON file per changed
record); the latest stored version of each record is used. Reads
DATA_SOURCES_DIR/raw/arwu_2025/arwu2025_institution_city.csv (the ARWU transcription) and writes
  OUT_DIR/ror_locations.csv        the matched ROR records (CC0): id, name, place, coordinates
  OUT_DIR/arwu2025_ror_match.csv   ARWU row -> ROR id and how it was matched, row for row with the transcription
  OUT_DIR/arwu2025_unmatched.txt   the unmatched, hand-matched and fuzzy-matched rows
Matching, within the ARWU country (ISO2 = ROR country_code), active records only, first rule that answers:
  1. exact name: the normalised ARWU name (or a variant, below) equals a record's display name;
  2. exact alias: ... equals one of its labels, aliases or acronyms;
     (1 and 2 are tried for each variant in turn: the full name, then without a parenthesis, then the part
     before " - " or ", " -- so "Rutgers University, Newark" finds the Newark record before Rutgers';
     several records -> the single one of type education, else unmatched);
  3. fuzzy: difflib ratio >= 0.95 over education/healthcare/facility names, and >= 0.05 above the best
     other record;
  4. manual: the table MANUAL below (ROR id and reason), which also overrides rules 1-3 (a manual id may name a
     withdrawn record, whose place is still the institution's).
Normalisation: German umlauts as ue/oe/ae then u/o/a, accents dropped, case folded, punctuation and the words
of/the/at/in/and/de/di/du/des/do/da/a/for dropped; ARWU abbreviations (Univ, Sci, Technol, ...) expanded
in a second form of each variant.
"""
import csv, difflib, io, json, re, subprocess, sys, unicodedata
from collections import defaultdict
from pathlib import Path

from indexlib.io import write_atomic

FUZZY_MIN, FUZZY_MARGIN = 0.95, 0.05
ABBREV = {"univ": "university", "sci": "science", "scis": "sciences", "technol": "technology", "tech": "technology",
          "med": "medicine", "econ": "economics", "hlth": "health", "natl": "national", "inst": "institute",
          "tele": "telecommunications", "telecom": "telecommunications", "min": "mining", "res": "resources",
          "elect": "electric", "def": "defense", "tradit": "traditional", "int": "international",
          "agr": "agriculture", "phys": "physics", "n": "north", "st": "saint", "mt": "mount", "fed": "federal",
          "sch": "school", "nat": "natural"}
STOP = {"of", "the", "at", "in", "and", "de", "di", "du", "des", "do", "da", "a", "for"}

# ARWU name -> (ROR id, reason). An empty id: no ROR record of the institution is stored.
MANUAL = {
    "Paris-Saclay University": ("03xjwb503", "English form of Université Paris-Saclay"),
    "PSL University": ("013cjyk83", "PSL = Université Paris Sciences et Lettres"),
    "Mayo Clinic College of Medicine & Science": ("02qp3tb03", "the college of Mayo Clinic, Rochester MN (no own record)"),
    "Penn State University - University Park": ("04p491231", "Pennsylvania State University (State College = University Park)"),
    "Rutgers State University - New Brunswick": ("05vt9qd57", "Rutgers, The State University of New Jersey, New Brunswick"),
    "The University of Adelaide": ("028g18b61", "Adelaide University (the record now carrying the University of Adelaide)"),
    "University of Mainz": ("023b0x485", "Johannes Gutenberg University Mainz"),
    "Univ Massachusetts Chan Med Sch": ("0464eyp60", "University of Massachusetts Chan Medical School"),
    "Dresden University of Technology": ("042aqky30", "Technische Universität Dresden"),
    "Univ Nacional Autonoma Mexico": ("01tmp8f25", "Universidad Nacional Autónoma de México"),
    "University of Leipzig": ("03s7gtk40", "Leipzig University"),
    "University of Marburg": ("01rdrb571", "Philipps University of Marburg"),
    "Shanghai University of Science and Technology": ("00ay9v204", "University of Shanghai for Science and Technology (USST)"),
    "Univ Cattolica - Sacro Cuore": ("03h7r5v07", "Università Cattolica del Sacro Cuore"),
    "Medical University of Innsbruck": ("03pt86f80", "Innsbruck Medical University"),
    "Toulouse Capitole University": ("027ankh97", "Université Toulouse Capitole"),
    "University of Jena": ("05qpz1x62", "Friedrich Schiller University Jena"),
    "Indian Institute of Science": ("04dese585", "Indian Institute of Science Bangalore"),
    "Pontificia Universidad Catolica": ("04teye511", "ARWU's Chilean entry: Pontificia Universidad Católica de Chile"),
    "UT Health Sci Center - San Antonio": ("02f6dcw23", "UT Health San Antonio (the fuzzy rule would take UNT Health Science Center, Fort Worth)"),
    "Univ Texas Med Branch - Galveston": ("016tfm930", "The University of Texas Medical Branch at Galveston"),
    "Univ Naples 2": ("02kqnpp86", "Second University of Naples, now University of Campania Luigi Vanvitelli"),
    "University of Halle-Wittenberg": ("05gqaka33", "Martin Luther University Halle-Wittenberg"),
    "Vellore Institute of Technology": ("00qzypv28", "Vellore Institute of Technology University"),
    "Brescia University": ("02q2d2610", "University of Brescia"),
    "Univ Fed Rio Grande Sul": ("041yk2d64", "Universidade Federal do Rio Grande do Sul"),
    "Naval Medical University": ("04tavpn47", "Second Military Medical University, renamed Naval Medical University"),
    "Saveetha Inst Med & Tech Sci": ("0034me914", "Saveetha University (official name Saveetha Institute of Medical and Technical Sciences)"),
    "Technical University of Braunschweig": ("010nsgg66", "Technische Universität Braunschweig"),
    "University of Burgundy Europe": ("00g700j37", "Université Bourgogne Europe"),
    "University of Health Sciences Turkey": ("03k7bde87", "University of Health Sciences (Türkiye)"),
    "Univ Nat Resources Life Sci": ("057ff4y42", "BOKU University (University of Natural Resources and Life Sciences, Vienna)"),
    "University Rovira i Virgili": ("00g5sqv46", "Universitat Rovira i Virgili"),
    "Xuzhou Medical University": ("04fe7hy80", "Xuzhou Medical College, its former name"),
    "Budapest Univ Tech": ("02w42ss30", "Budapest University of Technology and Economics"),
    "HSE University": ("055f7t516", "National Research University Higher School of Economics"),
    "Shahid Beheshti Univ Med Sci": ("034m2b326", "Shahid Beheshti University of Medical Sciences"),
    "Ulster University": ("01yp9g959", "University of Ulster"),
    "University of Magdeburg": ("00ggpsq73", "Otto-von-Guericke-Universität Magdeburg"),
    "Adam Mickiewicz University": ("04g6bbq64", "Adam Mickiewicz University in Poznań"),
    "Hassan II University of Casablanca": ("001q4kn48", "University of Hassan II Casablanca"),
    "Rutgers University, Newark": ("011vh9z64", "Rutgers University-Newark; its record is withdrawn (merged into Rutgers), "
                                   "its place, Newark, is used (the active alias match is New Brunswick's record)"),
    "Univ Oklahoma Health Sciences Center": ("", "no record of the OU Health Sciences Center stored (University of Oklahoma is Norman)"),
}


def norm(text, expand=False):
    text = str(text)
    for a, b in (("ü", "ue"), ("ö", "oe"), ("ä", "ae"), ("Ü", "Ue"), ("Ö", "Oe"), ("Ä", "Ae"), ("ß", "ss"),
                 ("ł", "l"), ("Ł", "L"), ("ø", "o"), ("đ", "d"), ("–", " "), ("—", " ")):
        text = text.replace(a, b)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = text.replace("ue", "u").replace("oe", "o").replace("ae", "a").replace("&", " and ")
    words = re.sub(r"[^\w\s]", " ", text).split()
    if expand:
        words = [ABBREV.get(w, w) for w in words]
    return " ".join(w for w in words if w not in STOP)


def variants(name):
    forms = [name, re.sub(r"\s*\([^)]*\)", "", name).strip()]
    for sep in (" - ", ", "):
        if sep in forms[1]:
            forms.append(forms[1].split(sep)[0])
    keys = []
    for form in forms:
        for key in (norm(form), norm(form, expand=True)):
            if key and key not in keys:
                keys.append(key)
    return keys


def latest_records(clone):
    commit = subprocess.run(["git", "-C", clone, "rev-parse", "HEAD"], capture_output=True, text=True,
                            check=True).stdout.strip()
    tree = subprocess.run(["git", "-C", clone, "ls-tree", "-r", commit], capture_output=True, text=True,
                          check=True).stdout
    latest = {}
    for line in tree.splitlines():
        meta, path = line.split("\t")
        parts = path.split("/")
        if len(parts) < 2 or not path.endswith(".json") or not re.fullmatch(r"v[\d.]+", parts[0]):
            continue
        version = tuple(int(p) for p in parts[0][1:].split("."))
        key = parts[-1][:-5]
        if key not in latest or version > latest[key][0]:
            latest[key] = (version, meta.split()[2], parts[0])
    batch = subprocess.Popen(["git", "-C", clone, "cat-file", "--batch"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE)
    records = {}
    for key in sorted(latest):
        _, blob, release = latest[key]
        batch.stdin.write(blob.encode() + b"\n"); batch.stdin.flush()
        size = int(batch.stdout.readline().split()[2])
        data = batch.stdout.read(size); batch.stdout.read(1)
        try:
            record = json.loads(data)
        except ValueError:
            continue
        if "names" in record:  # schema 2
            name = next((n["value"] for n in record["names"] if "ror_display" in n["types"]), "")
            others = [n["value"] for n in record["names"] if "ror_display" not in n["types"]]
            place = (record.get("locations") or [{}])[0].get("geonames_details", {})
            country, city, lat, lng = place.get("country_code"), place.get("name"), place.get("lat"), place.get("lng")
            grid = next((e.get("preferred") or e["all"][0] for e in record.get("external_ids", [])
                         if e["type"] == "grid" and (e.get("preferred") or e.get("all"))), "")
        else:  # schema 1
            name = record.get("name", "")
            others = ([l["label"] for l in record.get("labels", [])] + record.get("aliases", [])
                      + record.get("acronyms", []))
            address = (record.get("addresses") or [{}])[0]
            country = (record.get("country") or {}).get("country_code")
            city, lat, lng = address.get("city"), address.get("lat"), address.get("lng")
            grid = ((record.get("external_ids") or {}).get("GRID") or {}).get("preferred") or ""
        records[record["id"].rsplit("/", 1)[-1]] = {
            "name": name, "others": [o for o in others if o], "country_code": country or "", "city": city or "",
            "lat": lat, "lng": lng, "types": record.get("types", []), "status": record.get("status", ""),
            "grid_id": grid or "", "release": release}
    return commit, records


def main(clone, sources, out_dir):
    commit, records = latest_records(clone)
    active = {k: r for k, r in records.items() if r["status"] == "active" and r["lat"] is not None}
    by_name, by_alias, fuzzy_names = defaultdict(set), defaultdict(set), defaultdict(list)
    for key, r in active.items():
        by_name[(r["country_code"], norm(r["name"]))].add(key)
        for other in r["others"]:
            by_alias[(r["country_code"], norm(other))].add(key)
        if {"education", "healthcare", "facility"} & {t.lower() for t in r["types"]}:
            for n in [r["name"]] + [o for o in r["others"] if len(o) > 6]:
                fuzzy_names[r["country_code"]].append((norm(n), key))

    def single(ids):
        ids = sorted(ids)
        education = [i for i in ids if "education" in [t.lower() for t in active[i]["types"]]]
        return ids[0] if len(ids) == 1 else (education[0] if len(education) == 1 else None)

    arwu_path = Path(sources) / "raw" / "arwu_2025" / "arwu2025_institution_city.csv"
    with open(arwu_path, encoding="utf-8", newline="") as f:
        arwu = list(csv.DictReader(f))
    out = []
    for row in arwu:
        name, country = row["institution"], row["iso2"]
        ror_id, method, note = "", "", ""
        if name in MANUAL:
            ror_id, note = MANUAL[name]
            method = "manual" if ror_id else "unmatched"
        else:
            for key in variants(name):
                for label, table in (("exact name", by_name), ("exact alias", by_alias)):
                    ids = table.get((country, key))
                    if ids:
                        ror_id = single(ids) or ""
                        method = label if ror_id else "unmatched"
                        note = "" if ror_id else "several records: " + ";".join(sorted(ids))
                        break
                if method:
                    break
            if not method:
                best = {}
                for key in variants(name):
                    for candidate, rid in fuzzy_names[country]:
                        score = difflib.SequenceMatcher(None, key, candidate).ratio()
                        if score > best.get(rid, (0.0, ""))[0]:
                            best[rid] = (score, candidate)
                ranked = sorted(((s, rid, c) for rid, (s, c) in best.items()), reverse=True)
                if ranked:
                    first, second = ranked[0], (ranked[1][0] if len(ranked) > 1 else 0.0)
                    if first[0] >= FUZZY_MIN and first[0] - second >= FUZZY_MARGIN:
                        ror_id, method = first[1], "fuzzy"
                        note = f"ratio {first[0]:.3f} to {active[first[1]]['name']!r}; next other record {second:.3f}"
                    else:
                        method = "unmatched"
                        note = (f"no record of this name in {country} among the stored ROR records (closest: "
                                f"{active[first[1]]['name']!r}, ratio {first[0]:.3f}, not the same institution)")
                else:
                    method, note = "unmatched", f"no ROR record in {country}"
        out.append({"institution": name, "arwu2025_rank": row["arwu2025_rank"], "iso2": country, "ror_id": ror_id,
                    "match_method": method, "match_note": note})
    # The match only, row for row with the transcription (the build reads the ARWU scores from there).
    match = io.StringIO()
    writer = csv.DictWriter(match, fieldnames=[k for k in out[0] if k != "arwu2025_rank"], lineterminator="\n",
                            extrasaction="ignore")
    writer.writeheader(); writer.writerows(out)
    used = sorted({r["ror_id"] for r in out if r["ror_id"]})
    locations = io.StringIO()
    writer = csv.writer(locations, lineterminator="\n")
    writer.writerow(["ror_id", "name", "country_code", "city", "lat", "lng", "grid_id", "ror_release"])
    for key in used:
        r = records[key]
        writer.writerow([key, r["name"], r["country_code"], r["city"], r["lat"], r["lng"], r["grid_id"],
                         r["release"]])
    unmatched = [r for r in out if r["match_method"] == "unmatched"]
    lines = [f"ARWU 2025 institutions without a ROR record in ror-records @{commit[:7]} ({len(unmatched)} of "
             f"{len(out):,} rows).",
             "Derived by city_data/derived/match_arwu_ror.py. The build locates each of these by the GeoNames place",
             "of its main campus, assigned by hand in city_data/derived/arwu2025_places.csv (arwu2025_places.py).", "",
             "institution | ARWU rank | country | why unmatched"]
    lines += [f"{r['institution']} | {r['arwu2025_rank']} | {r['iso2']} | {r['match_note']}" for r in unmatched]
    for method, title in (("manual", "Matched by hand (match_method = manual; reason in match_note):"),
                          ("fuzzy", f"Matched by the fuzzy rule (ratio >= {FUZZY_MIN}, margin >= {FUZZY_MARGIN}):")):
        lines += ["", title] + [f"{r['institution']} | {r['iso2']} | ROR {r['ror_id']} | {r['match_note']}"
                                for r in out if r["match_method"] == method]
    # every text made before any file is replaced, each file replaced whole (indexlib.io.write_atomic)
    for name, text in (("arwu2025_ror_match.csv", match.getvalue()), ("ror_locations.csv", locations.getvalue()),
                       ("arwu2025_unmatched.txt", "\n".join(lines) + "\n")):
        write_atomic(Path(out_dir) / name, text)
    counts = defaultdict(int)
    for r in out:
        counts[r["match_method"]] += 1
    print(f"ror-records @ {commit}: {len(records)} records ({len(active)} active, located); "
          f"ARWU rows {len(out)}: {dict(counts)}; {len(used)} ROR records written")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])

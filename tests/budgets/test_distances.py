"""Places from the offline gazetteer, great-circle distances and the travel bands (issue 13)."""

import math

import pytest

from webapp.budgets import distances, ka1_rates

RATES = ka1_rates.rates_for(2026)


def law_of_cosines_km(a, b):
    """The great-circle distance computed independently of the module (spherical law of cosines)."""
    (lat1, lon1), (lat2, lon2) = ((math.radians(lat), math.radians(lon)) for lat, lon in (a, b))
    cos_angle = math.sin(lat1) * math.sin(lat2) + math.cos(lat1) * math.cos(lat2) * math.cos(lon2 - lon1)
    return 6371.0 * math.acos(max(-1.0, min(1.0, cos_angle)))


# City centres, fixed here (decimal degrees from public maps), not taken from the gazetteer.
STOCKHOLM = (59.3293, 18.0686)
HELSINKI = (60.1699, 24.9384)
COPENHAGEN = (55.6761, 12.5683)
SOLNA = (59.3600, 18.0009)
BOLOGNA = (44.4949, 11.3426)
PRAGUE = (50.0755, 14.4378)


@pytest.mark.parametrize(
    "origin,destination,fixed,about_km,band",
    [
        (("Stockholm", "SE"), ("Helsinki", "FI"), (STOCKHOLM, HELSINKI), 396, "100-499"),
        (("Stockholm", "SE"), ("Copenhagen", "DK"), (STOCKHOLM, COPENHAGEN), 522, "500-1999"),
        (("Stockholm", "SE"), ("København", "DK"), (STOCKHOLM, COPENHAGEN), 522, "500-1999"),
        (("Solna", "SE"), ("Bologna", "IT"), (SOLNA, BOLOGNA), 1700, "500-1999"),
        (("Stockholm", "SE"), ("Praha", "CZ"), (STOCKHOLM, PRAGUE), 1053, "500-1999"),
    ],
)
def test_known_city_pairs_are_within_one_percent_of_their_great_circle(origin, destination, fixed, about_km, band):
    km = distances.distance_between(*origin, *destination)
    expected = law_of_cosines_km(*fixed)
    assert km == pytest.approx(expected, rel=0.01)
    assert km == pytest.approx(about_km, rel=0.01)
    assert distances.band_for(km, RATES.travel.bands).key == band


@pytest.mark.parametrize(
    "name,country",
    [
        ("Gladsaxe", "DK"),  # a municipality (seat Søborg), not a place in GeoNames' cities list
        ("Atlantis", "GR"),
        ("Bologna", "SE"),  # a real city, but not in that country
        ("", "SE"),
        ("Stockholm", ""),
    ],
)
def test_a_place_it_cannot_find_is_none(name, country):
    assert distances.place(name, country) is None
    assert distances.distance_between(name, country, "Stockholm", "SE") is None


def test_names_match_in_any_case_and_by_their_other_names():
    assert distances.place("  stockholm ", "se").name == "Stockholm"
    assert distances.place("Praha", "CZ").name == "Prague"
    assert distances.place("Göteborg", "SE").name == "Gothenburg"


def test_an_ambiguous_name_is_the_most_populous_place_of_that_country():
    # Frankfurt am Main (about 650,000) and Frankfurt (Oder) (about 57,000) are both "Frankfurt".
    assert distances.place("Frankfurt", "DE").name == "Frankfurt am Main"
    assert distances.place("Frankfurt (Oder)", "DE").name == "Frankfurt (Oder)"


def test_the_distance_is_the_haversine_on_a_sphere_of_6371_km():
    # A quarter of a meridian: pole to equator is π/2 × 6371 km.
    assert distances.great_circle_km(90, 0, 0, 0) == pytest.approx(math.pi / 2 * 6371.0)
    assert distances.great_circle_km(59.3, 18.1, 59.3, 18.1) == 0
    assert pytest.approx(math.pi * 6371.0) == distances.MAX_KM


@pytest.mark.parametrize(
    "km,band",
    [
        (0, None),
        (9.99, None),  # below 10 km: no travel grant
        (10, "10-99"),
        (99, "10-99"),
        (99.6, "10-99"),  # whole km count: the next band starts at 100
        (100, "100-499"),
        (499, "100-499"),
        (500, "500-1999"),
        (1999, "500-1999"),
        (2000, "2000-2999"),
        (2999, "2000-2999"),
        (3000, "3000-3999"),
        (4000, "4000-7999"),
        (7999, "4000-7999"),
        (8000, "8000+"),
        (19000, "8000+"),
    ],
)
def test_band_for_a_distance(km, band):
    found = distances.band_for(km, RATES.travel.bands)
    assert (found.key if found else None) == band


def test_band_for_refuses_a_negative_distance():
    with pytest.raises(ValueError, match="-1"):
        distances.band_for(-1, RATES.travel.bands)

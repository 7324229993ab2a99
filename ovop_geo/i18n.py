"""Bahasa Indonesia and English strings for the app and the maps.

Every text a user sees comes from :data:`STRINGS`, an immutable mapping ``key -> {"id", "en"}``.
Bahasa Indonesia is the default language. Numbers are formatted per language by
:func:`fmt_number`: Indonesian writes ``12.610,5 t``, English ``12,610.5 t``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from numbers import Real
from types import MappingProxyType

from ovop_geo.errors import ParameterError
from ovop_geo.messages import translate

__all__ = ["DEFAULT_LANG", "LANGUAGES", "STRINGS", "fmt_number", "t", "translate_note"]

DEFAULT_LANG = "id"
LANGUAGES: Mapping[str, str] = MappingProxyType({"id": "Bahasa Indonesia", "en": "English"})


def _entries(raw: dict[str, tuple[str, str]]) -> Mapping[str, Mapping[str, str]]:
    return MappingProxyType(
        {key: MappingProxyType({"id": id_, "en": en}) for key, (id_, en) in raw.items()}
    )


# key: (Bahasa Indonesia, English)
STRINGS: Mapping[str, Mapping[str, str]] = _entries(
    {
        # page
        "app_title": ("Perencanaan OVOP berbasis peta", "OVOP spatial planning"),
        "app_caption": (
            "Satu Desa Satu Produk: ketersediaan lahan, calon sentra dan peta desa.",
            "One Village One Product: land availability, candidate sentra and village maps.",
        ),
        "language": ("Bahasa / Language", "Bahasa / Language"),
        "region": ("Wilayah", "Region"),
        "region_summary": ("{name}: {n} desa", "{name}: {n} villages"),
        "map_heading": ("Peta desa", "Village map"),
        "indicator": ("Indikator", "Indicator"),
        "base_map": ("Peta dasar", "Base map"),
        "base_map_none": ("Tanpa peta dasar (bisa luring)", "None (works offline)"),
        "base_map_osm": ("OpenStreetMap (perlu internet)", "OpenStreetMap (needs internet)"),
        "download_map": ("Unduh peta (HTML)", "Download map (HTML)"),
        "loading_region": ("Memuat wilayah…", "Loading region…"),
        "leaflet_missing": (
            "Peta tidak dapat digambar: berkas Leaflet tidak tersedia untuk aplikasi ({problem}). "
            "Jalankan: python -m ovop_geo.offline static/leaflet di folder app.py, "
            "lalu muat ulang halaman.",
            "The map cannot be drawn: Leaflet's files are not available to the app ({problem}). "
            "Run: python -m ovop_geo.offline static/leaflet in the folder of app.py, "
            "then reload the page.",
        ),
        "table_heading": ("Data desa", "Village data"),
        "data_notes": ("Catatan data ({n})", "Data notes ({n})"),
        # boundaries and provenance
        "boundary_source": ("Sumber batas: {source}", "Boundary source: {source}"),
        "businesses_source": (
            "Sumber jumlah unit usaha: {source}",
            "Source of the business counts: {source}",
        ),
        "indicative_boundaries": (
            "Batas indikatif, bukan batas hukum",
            "Indicative, not legal boundaries",
        ),
        "illustrative_data": ("data ilustratif", "illustrative data"),
        "estimated_data": ("data perkiraan", "estimated data"),
        "illustrative_note": (
            "Lapisan ini ilustratif (dibuat untuk contoh), bukan data lapangan.",
            "This layer is illustrative (generated for the example), not field data.",
        ),
        # indicators and columns
        "indicator_area": ("Luas desa", "Village area"),
        "indicator_score": ("Skor calon sentra (0-100)", "Sentra score (0-100)"),
        "indicator_lq": ("Location quotient unit usaha", "Location quotient of businesses"),
        "indicator_businesses": ("Jumlah unit usaha", "Business units"),
        "indicator_production": ("Produksi bahan baku", "Raw-material production"),
        "indicator_available_land": ("Lahan tersedia", "Available land"),
        "indicator_year_land_short": ("Tahun lahan tidak cukup", "Year land runs short"),
        "indicator_slope_share": (
            "Proporsi lahan dengan lereng sesuai",
            "Share of land with suitable slope",
        ),
        "indicator_ovop_product": ("Produk OVOP terpilih", "Allocated OVOP product"),
        "indicator_land_capacity": ("Status daya dukung lahan", "Land carrying capacity status"),
        "rank": ("peringkat", "rank"),
        "distance_capital": ("Jarak ke ibu kota provinsi", "Distance to the provincial capital"),
        "village": ("Desa", "Village"),
        "villages": ("Desa", "Villages"),
        "village_code": ("Kode desa", "Village code"),
        "group": ("Kecamatan", "Sub-district"),
        "households": (
            "Jumlah KK (seperti tercetak; kemungkinan jiwa)",
            "Households (KK as printed; likely persons)",
        ),
        "area": ("Luas", "Area"),
        # map layers and legend
        "legend_no_data": ("tidak ada data", "no data"),
        "layer_landuse": ("Penggunaan lahan", "Land use"),
        "layer_slope": ("Kemiringan lereng", "Slope"),
        "layer_zoning": ("Pola ruang (RTRW)", "Zoning (spatial plan)"),
        "layer_candidates": ("Calon sentra", "Candidate sentra"),
        # messages
        "error_heading": ("Tidak dapat memuat data", "Cannot load the data"),
        # sidebar controls
        "region_own": ("Data sendiri (unggah)", "Own data (upload)"),
        "part": ("Bagian wilayah yang dianalisis", "Part of the region analysed"),
        "part_whole": ("– seluruh wilayah –", "– the whole region –"),
        "part_help": (
            "Analisis satu kabupaten atau kecamatan saja: skor, LQ dan neraca lahan dihitung "
            "untuk bagian itu sendiri (sama dengan --kabupaten / --kecamatan di baris perintah).",
            "Analyse one kabupaten or kecamatan alone: scores, LQ and the land balance are "
            "computed for that part only (as --kabupaten / --kecamatan on the command line).",
        ),
        "product": ("Produk", "Product"),
        "no_products": (
            "Belum ada data unit usaha: skor per produk tidak tersedia.",
            "No business counts yet: scores per product are not available.",
        ),
        "weights_heading": ("Bobot kriteria", "Criteria weights"),
        "weights_mode": ("Cara menentukan bobot", "How to set the weights"),
        "weights_mode_sliders": ("Geser bobot", "Sliders"),
        "weights_mode_ahp": ("AHP (perbandingan berpasangan)", "AHP (pairwise comparison)"),
        "weights_all_zero": (
            "Semua bobot 0: bobot bawaan dipakai.",
            "Every weight is 0: the default weights are used.",
        ),
        "weights_defaults_note": (
            "Nilai awal dari criteria.csv (asumsi).",
            "Starting values from criteria.csv (assumptions).",
        ),
        "ahp_help": (
            "Isi segitiga atas: berapa kali kelompok baris lebih penting daripada kelompok kolom "
            "(1/9 … 9). Segitiga bawah diisi otomatis dengan kebalikannya.",
            "Fill in the upper triangle: how many times the row group is more important than "
            "the column group (1/9 … 9). The lower triangle is filled with the reciprocals.",
        ),
        "ahp_cr": ("Rasio konsistensi (CR): {cr}", "Consistency ratio (CR): {cr}"),
        "ahp_rejected": (
            "Matriks AHP ditolak; bobot bawaan dipakai.",
            "AHP matrix refused; the default weights are used.",
        ),
        "criterion_group": ("Kelompok kriteria", "Criteria group"),
        "group_existing_activity": ("Kegiatan usaha yang ada", "Existing activity"),
        "group_raw_material": ("Bahan baku", "Raw material"),
        "group_location_access": ("Lokasi dan akses", "Location and access"),
        "group_human_resources": ("Sumber daya manusia", "Human resources"),
        "group_institutions": ("Kelembagaan", "Institutions"),
        "group_local_wisdom": ("Kearifan lokal", "Local wisdom"),
        "thresholds_heading": ("Ambang sentra dan skenario", "Sentra thresholds and scenario"),
        "min_units": (
            "Minimal unit usaha sejenis (PP 29/2018)",
            "Minimum similar business units (PP 29/2018)",
        ),
        "min_household_share": (
            "Minimal proporsi rumah tangga pelaku usaha (BPS, %)",
            "Minimum share of households in the business (BPS, %)",
        ),
        "slope_limit": ("Batas kemiringan lereng (%)", "Slope limit (%)"),
        "growth_rate": (
            "Pertumbuhan kebutuhan bahan baku (%/tahun)",
            "Growth of raw-material demand (%/yr)",
        ),
        # tabs
        "tab_map": ("Peta", "Map"),
        "tab_compare": ("Bandingkan desa", "Compare villages"),
        "tab_land": ("Ketersediaan lahan", "Land availability"),
        "tab_readiness": ("Kesiapan OVOP", "OVOP readiness"),
        "tab_qfd": ("Rencana perbaikan (QFD)", "Improvement plan (QFD)"),
        "tab_exports": ("Unduhan", "Downloads"),
        "tab_own": ("Data sendiri", "Own data"),
        # map
        "map_indicator_no_data": (
            "Indikator ini belum punya data untuk wilayah ini.",
            "This indicator has no data for this region yet.",
        ),
        "layers_note": (
            "Lapisan penggunaan lahan, pola ruang dan lereng dapat dinyalakan di "
            "kotak lapisan pada peta.",
            "Land-use, zoning and slope layers can be switched on in the map's layer box.",
        ),
        "status_deficit": ("defisit", "deficit"),
        "status_surplus": ("surplus", "surplus"),
        "status_balanced": ("seimbang", "balanced"),
        "illustrative_layers": (
            "Lapisan ilustratif (bukan data lapangan): {layers}.",
            "Illustrative layers (not field data): {layers}.",
        ),
        "estimated_note": (
            "Angka produksi per desa adalah perkiraan (total wilayah dibagi "
            "menurut lahan sesuai yang kini diusahakan, dari lapisan "
            "penggunaan lahan).",
            "Production per village is estimated (region totals spread by "
            "suitable land in current farm use, from the land-use layer).",
        ),
        "analysis_notes": ("Catatan analisis ({n})", "Analysis notes ({n})"),
        # village profile beside the map
        "kabupaten": ("Kabupaten/kota", "Regency/city"),
        "search_village": ("Cari desa (nama atau kode)", "Find a village (name or code)"),
        "filter_all": ("– semua –", "– all –"),
        "search_none": ("– semua desa –", "– all villages –"),
        "profile_hint": (
            "Klik desa di peta atau cari namanya untuk melihat profilnya.",
            "Click a village on the map or find it by name to see its profile.",
        ),
        "profile_facts": (
            "Kode {code} · Kecamatan {kecamatan} · luas {area} · {households}",
            "Code {code} · Sub-district {kecamatan} · area {area} · {households}",
        ),
        "profile_households": ("KK {n}", "households {n}"),
        "profile_firms": ("Unit usaha", "Business units"),
        "profile_no_firms": ("Tidak ada unit usaha tercatat.", "No business units recorded."),
        "profile_balance": ("Neraca lahan", "Land balance"),
        "profile_products": ("Calon produk", "Candidate products"),
        "profile_product_line": (
            "**{product}**: skor {score}, peringkat {rank} dari {n}",
            "**{product}**: score {score}, rank {rank} of {n}",
        ),
        "profile_why": ("terangkat oleh: {criteria}", "lifted by: {criteria}"),
        "profile_candidate": ("calon sentra", "candidate sentra"),
        "profile_allocated": ("produk OVOP terpilih", "allocated OVOP product"),
        "profile_pp29_met": ("memenuhi PP 29/2018", "meets PP 29/2018"),
        "profile_pp29_unmet": ("belum memenuhi PP 29/2018", "does not meet PP 29/2018"),
        "profile_pp29_unknown": ("PP 29/2018: tidak diketahui", "PP 29/2018: unknown"),
        "profile_fragile_mark": ("peringkat rapuh", "fragile rank"),
        "profile_flags": ("Perhatian", "Flags"),
        "profile_flag_estimated": (
            "Produksi desa ini perkiraan (total wilayah dibagi).",
            "This village's production is estimated (region totals spread).",
        ),
        "profile_flag_illustrative": (
            "Dari lapisan ilustratif: {layers}.",
            "From illustrative layers: {layers}.",
        ),
        "profile_flag_no_businesses": (
            "Tidak ada data unit usaha untuk desa ini.",
            "No business counts for this village.",
        ),
        "profile_flag_land_short": (
            "Lahan untuk {crop} tidak cukup mulai {year}.",
            "Land for {crop} runs short from {year}.",
        ),
        "profile_flag_fragile": (
            "Peringkat rapuh: berubah bila bobot sedikit diubah.",
            "Fragile rank: it changes when the weights change a little.",
        ),
        "provenance_heading": (
            "{boundaries} · sumber dan catatan ({n})",
            "{boundaries} · sources and notes ({n})",
        ),
        # compare
        "compare_villages": ("Pilih desa untuk dibandingkan", "Villages to compare"),
        "compare_heading": ("Perbandingan desa untuk {product}", "Villages compared for {product}"),
        "score": ("Skor (0-100)", "Score (0-100)"),
        "share_rank1": ("Proporsi simulasi peringkat 1 (%)", "Share of runs ranked first (%)"),
        "rank_range": ("Rentang peringkat", "Rank range"),
        "fragile": ("Rapuh", "Fragile"),
        "fragile_note": (
            "Rapuh: peringkat berubah besar bila bobot sedikit diubah (analisis "
            "sensitivitas {n} simulasi).",
            "Fragile: the rank changes a lot when the weights move a little "
            "(sensitivity analysis, {n} runs).",
        ),
        "ovop_product": ("Produk OVOP", "OVOP product"),
        "ovop_reason": ("Alasan", "Reason"),
        "ovop_assigned": ("Produk berbeda per desa", "Distinct product per village"),
        "sentra_class": ("Kelas sentra", "Sentra class"),
        "class_sentra": ("sentra (aturan PP 29/2018)", "sentra (PP 29/2018 rule)"),
        "class_pre_sentra": ("pra-sentra", "pre-sentra"),
        "class_potential": ("potensi", "potential"),
        "tie": ("Setara", "Tie"),
        "cluster": ("Klaster", "Cluster"),
        "layer_clusters": ("Klaster sentra: {product}", "Sentra clusters: {product}"),
        "ovop_score": ("Skor produk OVOP", "OVOP product score"),
        "score_lost": ("Skor yang dikorbankan", "Score given up"),
        "businesses": ("Unit usaha", "Business units"),
        "chart_production": (
            "Produksi bahan baku per desa (t/tahun)",
            "Raw-material production per village (t/yr)",
        ),
        "chart_businesses": ("Unit usaha per produk", "Business units per product"),
        "chart_profile": (
            "Profil kriteria ternormalisasi (0-1) untuk {product}",
            "Normalised criteria profile (0-1) for {product}",
        ),
        "crop": ("Tanaman", "Crop"),
        "criterion": ("Kriteria", "Criterion"),
        "normalised_value": ("Nilai ternormalisasi (0-1)", "Normalised value (0-1)"),
        "production_t": ("Produksi (t)", "Production (t)"),
        "no_scores": (
            "Skor belum dapat dihitung: data unit usaha belum ada.",
            "Scores cannot be computed yet: business counts are missing.",
        ),
        # land
        "land_heading": (
            "Ketersediaan lahan per desa dan tanaman",
            "Land availability per village and crop",
        ),
        "suitable_ha": (
            "Lahan sesuai untuk tanaman ini (ha; tidak dijumlahkan antar tanaman)",
            "Suitable for this crop (ha; not additive over crops)",
        ),
        "in_use_ha": (
            "Lahan dipakai tanaman ini (ha = luas panen ÷ indeks pertanaman)",
            "Land in use by this crop (ha = harvest area ÷ cropping intensity)",
        ),
        "unused_suitable_ha": (
            "Lahan sesuai yang belum dipakai, batas atas (ha; tidak dijumlahkan)",
            "Unused land suitable for this crop, upper bound (ha; not additive)",
        ),
        "available_ha": (
            "Lahan tersedia, bagian alokasi (ha; dijumlahkan = lahan belum dipakai)",
            "Available land, share of one allocation (ha; adds up to unused land)",
        ),
        "demand_processed_t_yr": (
            "Kebutuhan bahan olahan (t/tahun)",
            "Processed-input demand (t/yr)",
        ),
        "cropping_intensity": (
            "Indeks pertanaman (panen/tahun)",
            "Cropping intensity (harvests/yr)",
        ),
        "balance_heading": ("Neraca lahan fisik per desa", "Physical land balance per village"),
        "chart_land_balance": (
            "Luas desa: dipakai / sesuai belum dipakai / tidak sesuai (ha)",
            "Village area: in use / unused suitable / unsuitable (ha)",
        ),
        "land_part": ("Bagian lahan", "Part of the land"),
        "area_ha_axis": ("Luas (ha)", "Area (ha)"),
        "land_used_ha": ("Dipakai tanaman (ha)", "In use by crops (ha)"),
        "land_unused_ha": ("Sesuai, belum dipakai (ha)", "Suitable, unused (ha)"),
        "land_unsuitable_ha": (
            "Tidak sesuai / bukan lahan tani (ha)",
            "Unsuitable / not farmland (ha)",
        ),
        "land_farmland_ha": (
            "Lahan tani menurut penggunaan kini (ha)",
            "Farmland by current use (ha)",
        ),
        "land_suitable_ha": (
            "Lahan tani sesuai untuk minimal satu tanaman (ha)",
            "Farmland suitable for at least one crop (ha)",
        ),
        "land_overused_ha": (
            "Dipakai melebihi lahan sesuai (ha)",
            "In use beyond the suitable land (ha)",
        ),
        "balance_caption": (
            "Luas panen dihitung per musim, maka lahan dipakai = luas panen ÷ indeks pertanaman "
            "(asumsi di crops.csv). Lahan tersedia per tanaman adalah satu alokasi lahan yang "
            "belum dipakai, sehingga jumlahnya tidak pernah melebihi lahan yang belum dipakai.",
            "Harvest area counts every season, so land in use = harvest area ÷ cropping "
            "intensity (assumptions in crops.csv). Available land per crop is one allocation of "
            "the unused land, so it never adds up to more than the unused land.",
        ),
        "harvested_ha": ("Luas panen (ha)", "Harvested area (ha)"),
        "demand_t_yr": ("Kebutuhan bahan baku (t/tahun)", "Raw-material demand (t/yr)"),
        "land_needed_ha": ("Lahan dibutuhkan kini (ha)", "Land needed now (ha)"),
        "land_needed_5y_ha": ("Lahan dibutuhkan +5 tahun (ha)", "Land needed in 5 years (ha)"),
        "land_needed_10y_ha": ("Lahan dibutuhkan +10 tahun (ha)", "Land needed in 10 years (ha)"),
        "year_land_short": ("Tahun lahan tidak cukup", "Year land runs short"),
        "estimated": ("Perkiraan", "Estimated"),
        "estimated_caption": (
            "Kolom 'Perkiraan' = angka perkiraan, bukan data lapangan. "
            "Tahun lahan tidak cukup: skenario tengah.",
            "Column 'Estimated' marks estimated figures, not field data. "
            "Year land runs short: central scenario.",
        ),
        "growth_rate_help": (
            "Skenario tengah. Rendah 2,35 %/tahun (pertumbuhan penduduk, makalah Tabel 2) dan "
            "tinggi 30 %/tahun (batas bawah satu jawaban survei makalah, bukan tren) tetap "
            "ditampilkan.",
            "Central scenario. Low 2.35 %/yr (population growth, paper Table 2) and high "
            "30 %/yr (the lower bound of one survey answer in the paper, not a trend) are "
            "shown beside it.",
        ),
        "food_growth_heading": (
            "Pangan dulu, lalu bahan baku: wilayah per tanaman",
            "Food first, then raw materials: the region per crop",
        ),
        "food_need_t_yr": (
            "Kebutuhan pangan penduduk (t hasil panen/tahun)",
            "Population's food need (t of harvest/yr)",
        ),
        "left_after_food_t_yr": ("Sisa setelah pangan (t/tahun)", "Left after food (t/yr)"),
        "food_first_binding": ("Pembatas", "What binds"),
        "binding_food_need": ("kebutuhan pangan melebihi produksi", "food need exceeds production"),
        "binding_raw_material_need": (
            "sisa setelah pangan kurang untuk bahan baku",
            "what is left after food is short of raw material",
        ),
        "binding_none": ("cukup untuk pangan dan bahan baku", "enough for food and raw material"),
        "scenario_low": ("rendah", "low"),
        "scenario_central": ("tengah", "central"),
        "scenario_high": ("tinggi", "high"),
        "year_land_short_scenario": (
            "Tahun lahan tidak cukup, skenario {name} ({rate}/tahun)",
            "Year land runs short, {name} scenario ({rate}/yr)",
        ),
        "growth_caption": (
            "Skenario mulai tahun {start} dari angka tahun {data} (data terbaru, dianggap "
            "keadaan {start}); penduduk tumbuh {pop}/tahun; {horizon} tahun ke depan. Lahan "
            "tidak cukup bila pangan + bahan baku melebihi produksi ditambah lahan tersedia. "
            "Kosong: tidak dalam {horizon} tahun. Sumber: {sources}.",
            "The scenarios start in {start} from the {data} figures (the latest, taken as the "
            "state in {start}); the population grows {pop}/yr; {horizon} years ahead. Land runs "
            "short when food + raw material exceed production plus the available land. Empty: "
            "not within {horizon} years. Sources: {sources}.",
        ),
        "short_now": (
            "Sudah tidak cukup pada {year} (kebutuhan pangan desa saja melebihi "
            "lahannya, atau pangan + bahan baku kini): {items}.",
            "Already short in {year} (the village's food need alone exceeds its "
            "land, or food + raw material now): {items}.",
        ),
        "capacity_heading_variant": (
            "Daya dukung lahan (varian tanaman OVOP dari Permen LH 17/2009, setara beras)",
            "Land carrying capacity (the paper's OVOP-crop variant of Permen LH 17/2009, in "
            "beras equivalent)",
        ),
        "capacity_caption": (
            "Setara beras: harga beras Rp{beras}/kg; padi → beras {factor}; produktivitas beras "
            "{ptv} ({source}). Kelas α: I > 2,47 (swasembada pangan dan hidup layak), II 1–2,47 "
            "(swasembada pangan), III < 1 (belum swasembada).",
            "Beras equivalent: beras price Rp{beras}/kg; paddy → beras {factor}; beras "
            "productivity {ptv} ({source}). α classes: I > 2.47 (self-sufficient in food and a "
            "decent living), II 1–2.47 (self-sufficient in food), III < 1 (not self-sufficient).",
        ),
        "capacity_variant_note": (
            "Hanya tanaman pada tabel panen ({crops}) yang dihitung, bukan semua komoditas "
            "wilayah seperti pedoman: ini varian tanaman OVOP dari makalah.",
            "Only the crops of the harvest table ({crops}) are counted, not every commodity of "
            "the region as the guideline does: this is the paper's OVOP-crop variant.",
        ),
        "alpha_index": ("Indeks α", "α index"),
        "alpha_class": ("Kelas α", "α class"),
        "no_land": (
            "Ketersediaan lahan belum dapat dihitung: {missing}.",
            "Land availability cannot be computed yet: {missing}.",
        ),
        "capacity_heading": (
            "Daya dukung lahan (Permen LH 17/2009)",
            "Land carrying capacity (Permen LH 17/2009)",
        ),
        "capacity_region": (
            "Wilayah: {status}, rasio pasokan/kebutuhan {ratio}; indeks α "
            "{alpha} (kelas {alpha_class})",
            "Region: {status}, supply/demand ratio {ratio}; α index {alpha} (class {alpha_class})",
        ),
        "land_supply_ha": ("Pasokan lahan (ha setara beras)", "Land supply (beras-equivalent ha)"),
        "land_demand_ha": ("Kebutuhan lahan (ha)", "Land demand (ha)"),
        "supply_demand_ratio": ("Rasio pasokan/kebutuhan", "Supply/demand ratio"),
        "status": ("Status", "Status"),
        "population": ("Penduduk", "Population"),
        # readiness
        "readiness_heading": ("Kesiapan OVOP menurut aspek", "OVOP readiness by aspect"),
        "readiness_weakest": ("Dimensi terlemah", "Weakest dimensions"),
        "readiness_all": ("Semua dimensi (terlemah dulu)", "All dimensions (weakest first)"),
        "readiness_flagged": ("Baris yang ditandai", "Flagged rows"),
        "readiness_score": ("Skor (0-1)", "Score (0-1)"),
        "aspect": ("Aspek", "Aspect"),
        "dimension": ("Dimensi", "Dimension"),
        "share_total_pct": ("Jumlah proporsi (%)", "Shares add up to (%)"),
        "note": ("Catatan", "Note"),
        "no_assessment": (
            "Belum ada data penilaian OVOP untuk wilayah ini.",
            "No OVOP assessment for this region yet.",
        ),
        # exports and missing statistics
        "exports_heading": ("Unduh hasil", "Download the results"),
        "scenarios_heading": ("Skenario", "Scenarios"),
        "scenarios_intro": (
            "Bandingkan beberapa set parameter bernama (bobot, ambang, pertumbuhan) dari satu "
            "berkas TOML: produk tiap desa dalam setiap skenario, yang berubah dan mengapa, "
            "serta peringatan lahan. Skenario pertama menjadi dasar. Berkas yang sama dijalankan "
            "ulang dengan: ovop-geo run --scenarios scenarios.toml",
            "Compare named parameter sets (weights, thresholds, growth) from one TOML file: "
            "each village's product under each scenario, what changed and why, and land "
            "alerts. The first scenario is the base. The same file reruns with: ovop-geo run "
            "--scenarios scenarios.toml",
        ),
        "scenarios_compare": ("Bandingkan skenario", "Compare scenarios"),
        "scenarios_upload": ("Muat berkas skenario (TOML)", "Load a scenario file (TOML)"),
        "scenarios_text": ("Skenario (TOML, dapat diubah)", "Scenarios (TOML, editable)"),
        "scenarios_no_alerts": (
            "Tidak ada lahan yang habis dalam cakrawala waktu pada skenario mana pun.",
            "No land runs short within the horizon under any scenario.",
        ),
        "exports_caption": (
            "Berkas dibuat saat tombol diklik.",
            "Files are made when a button is clicked.",
        ),
        "download_file": ("Unduh {name}", "Download {name}"),
        "missing_heading": ("Statistik yang belum ada", "Missing statistics"),
        "missing_intro": (
            "Wilayah ini belum punya: {items}. Unduh templat (satu baris per kode "
            "desa), isi, lalu muat sebagai data sendiri.",
            "This region lacks: {items}. Download the template (one row per "
            "village code), fill it in and load it as your own data.",
        ),
        "download_template": ("Unduh templat {name}", "Download the template {name}"),
        "download_template_kit": (
            "Unduh folder wilayah sendiri (zip: templat, tabel produk dan tanaman, batas desa, "
            "manifes siap pakai)",
            "Download the own-region folder (zip: templates, products and crops tables, "
            "boundaries, a ready manifest)",
        ),
        # own data
        "own_heading": ("Muat data sendiri", "Load your own data"),
        "own_intro": (
            "Berkas disimpan di folder sementara sesi ini saja dan dihapus saat sesi "
            "berakhir atau Anda berpindah wilayah.",
            "Files are kept only in this session's temporary folder and removed when "
            "the session ends or you switch region.",
        ),
        "upload_boundaries": (
            "Batas desa (GeoJSON, GeoPackage, Shapefile zip, GeoParquet)",
            "Village boundaries (GeoJSON, GeoPackage, zipped Shapefile, GeoParquet)",
        ),
        "upload_boundaries_help": (
            "Wajib. Perlu CRS, kolom kode desa dan nama desa.",
            "Required. Needs a CRS, a village code and a name column.",
        ),
        "id_column": ("Kolom kode desa", "Village code column"),
        "name_column": ("Kolom nama desa", "Village name column"),
        "households_column": ("Kolom rumah tangga (KK, opsional)", "Households column (optional)"),
        "none_option": ("(tidak ada)", "(none)"),
        "decimal_choice": ("Tanda desimal", "Decimal mark"),
        "decimal_auto": ("kenali otomatis", "detect"),
        "decimal_comma": ("koma (12,5)", "comma (12,5)"),
        "decimal_point": ("titik (12.5)", "point (12.5)"),
        "upload_harvest": ("Statistik panen (CSV)", "Harvest statistics (CSV)"),
        "upload_harvest_help": (
            "Kolom: crop_id, harvest_area_ha, yield, yield_unit (t/ha, ku/ha atau kg/ha), dan "
            "village_code atau village_name (kosong = total wilayah). Pemisah , ; atau tab; "
            "koma desimal boleh.",
            "Columns: crop_id, harvest_area_ha, yield, yield_unit (t/ha, ku/ha or kg/ha), and "
            "village_code or village_name (empty = region total). Separator , ; or tab; "
            "decimal commas allowed.",
        ),
        "upload_businesses": ("Jumlah unit usaha (CSV)", "Business counts (CSV)"),
        "upload_businesses_help": (
            "Kolom: product, businesses (bilangan bulat ≥ 0), dan village_code atau "
            "village_name. Desa tanpa baris tidak punya data (abu-abu di peta): beri 0 untuk "
            "desa tanpa unit usaha; baris kosong templat dilewati.",
            "Columns: product, businesses (whole numbers ≥ 0), and village_code or "
            "village_name. Villages without rows have no data (grey on the map): give 0 for "
            "villages without firms; empty template rows are skipped.",
        ),
        "upload_households": ("Rumah tangga dan penduduk (CSV)", "Households and population (CSV)"),
        "upload_households_help": (
            "Kolom: village_code atau village_name, households (≥ 0) dan, bila ada, population "
            "(jiwa); menggantikan kolom rumah tangga batas desa.",
            "Columns: village_code or village_name, households (≥ 0) and, if known, population "
            "(persons); replaces the boundary layer's households column.",
        ),
        "upload_landuse": ("Penggunaan lahan (poligon)", "Land use (polygons)"),
        "upload_landuse_help": (
            "Poligon dengan kolom class_id berisi kelas: sawah, tegalan, permukiman, "
            "kebun_sawit, semak, hutan_rawa_gambut, air.",
            "Polygons with a class_id column holding classes: sawah, tegalan, permukiman, "
            "kebun_sawit, semak, hutan_rawa_gambut, air.",
        ),
        "upload_dem": ("Model elevasi (GeoTIFF, meter)", "Elevation model (GeoTIFF, metres)"),
        "upload_dem_help": (
            "GeoTIFF dengan CRS; ketinggian dalam meter.",
            "GeoTIFF with a CRS; elevations in metres.",
        ),
        "own_need_boundaries": (
            "Unggah batas desa untuk memulai.",
            "Upload village boundaries to start.",
        ),
        "own_region_name": ("Wilayah unggahan", "Uploaded region"),
        "own_loaded": ("Data dimuat: {n} desa.", "Data loaded: {n} villages."),
        "own_not_loaded": (
            "Data belum dapat dimuat; perbaiki pesan di atas.",
            "The data cannot be loaded yet; fix the messages above.",
        ),
        "uploaded_source": ("unggahan pengguna", "user upload"),
        # house of quality (QFD) and the improvement plan
        "qfd_heading": ("Rumah mutu (QFD): {product}", "House of quality (QFD): {product}"),
        "qfd_intro": (
            "Rumah mutu diputar agar muat di samping rencana: baris = dimensi penilaian OVOP "
            "(Tabel 4), prioritas pertama di atas; kolom = kebutuhan pembeli dengan "
            "kepentingannya (1-5). Sel: hubungan 9 kuat, 3 sedang, 1 lemah. Bobot teknis = "
            "Σ kepentingan × hubungan, dinormalkan; prioritas = bobot teknis × celah kesiapan "
            "(1 − kesiapan), dinormalkan.",
            "The house of quality is turned to fit beside the plan: rows = the OVOP assessment "
            "dimensions (Table 4), first priority on top; columns = what buyers need, with its "
            "importance (1-5). Cells: relationship 9 strong, 3 medium, 1 weak. Technical weight "
            "= Σ importance × relationship, normalised; priority = technical weight × readiness "
            "gap (1 − readiness), normalised.",
        ),
        "qfd_no_products": (
            "Tidak ada produk untuk rumah mutu.",
            "No products for a house of quality.",
        ),
        "qfd_table_products": ("tabel kelompok produk", "product-family table"),
        "qfd_table_needs": ("tabel kepentingan kebutuhan pembeli", "buyer-need importance table"),
        "qfd_table_relationships": ("matriks hubungan", "relationship matrix"),
        "qfd_table_measures": ("tabel langkah dukungan", "support-measure table"),
        "qfd_assumption_note": (
            "Asumsi bawaan (alasan tertulis di tiap baris, ganti dengan milik Anda): {tables}.",
            "Bundled assumptions (reasoning written in each row; replace with your own): {tables}.",
        ),
        "qfd_own_tables_note": ("Tabel Anda dipakai: {tables}.", "Your tables are used: {tables}."),
        "qfd_readiness_region": (
            "Kesiapan diukur untuk semua usaha yang disurvei di wilayah (Tabel 4, tingkat "
            "kecamatan), bukan khusus {product}.",
            "Readiness is that of all surveyed firms of the region (Table 4, kecamatan level), not "
            "of {product} firms alone.",
        ),
        "qfd_readiness_product": (
            "Kesiapan diukur untuk usaha {product} sendiri (data per usaha).",
            "Readiness is that of the {product} firms themselves (per-firm rows).",
        ),
        "qfd_readiness_none": (
            "Tidak ada penilaian kesiapan: celah dianggap 1, prioritas = bobot teknis saja.",
            "No readiness assessment: gaps are taken as 1, priority = technical weight alone.",
        ),
        "qfd_need": ("Kebutuhan pembeli", "Buyer need"),
        "qfd_importance": ("Kepentingan (1-5)", "Importance (1-5)"),
        "qfd_strength": ("Hubungan", "Relationship"),
        "qfd_technical_weight": ("Bobot teknis", "Technical weight"),
        "qfd_readiness": ("Kesiapan (0-1)", "Readiness (0-1)"),
        "qfd_priority": ("Prioritas", "Priority"),
        "qfd_rank": ("Urutan", "Rank"),
        "qfd_measure": ("Langkah dukungan", "Support measure"),
        "qfd_priority_addressed": ("Prioritas yang ditangani (%)", "Priority addressed (%)"),
        "qfd_priority_pct": ("Prioritas (%)", "Priority (%)"),
        "qfd_first_ten": ("sepuluh pertama", "first ten"),
        "qfd_score_help": (
            "Σ prioritas dimensi × kekuatan hubungan langkah dengan dimensi itu / 9: bagian "
            "prioritas yang ditangani langkah ini.",
            "Σ dimension priority × the measure's link strength to it / 9: the share of the "
            "priority this measure addresses.",
        ),
        "qfd_in_scenario_note": (
            "▶ = masuk skenario ({n} langkah teratas).",
            "▶ = in the scenario (top {n} measures).",
        ),
        "qfd_upload_survey": (
            "Survei per usaha (firm_id, product, dimension, level): kesiapan produk sendiri",
            "Per-firm survey (firm_id, product, dimension, level): the product's own readiness",
        ),
        "qfd_main_dimensions": ("Dimensi utama yang digerakkan", "Main dimensions moved"),
        "qfd_plan_heading": (
            "Rencana: langkah dukungan menurut prioritas",
            "Plan: support measures by priority",
        ),
        "qfd_places": (
            "Usaha terkait: {n} usaha {product} di {villages}.",
            "Firms concerned: {n} {product} firms in {villages}.",
        ),
        "qfd_places_none": (
            "Tidak ada data jumlah usaha {product} per desa.",
            "No counts of {product} firms per village.",
        ),
        "qfd_scenario_heading": (
            "Skenario (bukan ramalan): kesiapan setelah {n} langkah teratas",
            "Scenario (not a forecast): readiness after the top {n} measures",
        ),
        "qfd_scenario_assumption": (
            "Skenario, bukan ramalan: {n} langkah teratas dijalankan; hubungan kuat (9) menutup "
            "{share} celah sebuah dimensi, sedang (3) sepertiganya, lemah (1) sepersembilannya; "
            "langkah dianggap bekerja sendiri-sendiri (asumsi).",
            "Scenario, not a forecast: the top {n} measures are carried out; a strong (9) link "
            "closes {share} of a dimension's gap, medium (3) a third of that, weak (1) a ninth; "
            "measures are assumed to act independently (assumption).",
        ),
        "qfd_buyer_readiness": (
            "Kesiapan tertimbang kebutuhan pembeli: {now} sekarang, {after} dalam skenario.",
            "Buyer-weighted readiness: {now} now, {after} in the scenario.",
        ),
        "qfd_readiness_after": ("Kesiapan dalam skenario", "Readiness in the scenario"),
        "qfd_top_measures": ("Langkah dalam skenario", "Measures in the scenario"),
        "qfd_gap_closed": (
            "Celah yang ditutup satu langkah kuat (asumsi)",
            "Gap closed by one strong measure (assumption)",
        ),
        "qfd_own_tables": ("Tabel QFD sendiri (CSV)", "Your own QFD tables (CSV)"),
        "qfd_upload_needs": ("Kepentingan kebutuhan pembeli", "Buyer-need importance"),
        "qfd_upload_relationships": ("Matriks hubungan (9/3/1)", "Relationship matrix (9/3/1)"),
        "qfd_upload_measures": (
            "Langkah dukungan dan dimensinya",
            "Support measures and their dimensions",
        ),
        "qfd_upload_help": (
            "Kolom seperti tabel bawaan (unduh di bawah): product_family, need_id, importance; "
            "product_family, need_id, dimension, strength (atau satu kolom per dimensi); "
            "measure_id, name_id, name_en, dimension, strength.",
            "Columns as in the bundled tables (download below): product_family, need_id, "
            "importance; product_family, need_id, dimension, strength (or one column per "
            "dimension); measure_id, name_id, name_en, dimension, strength.",
        ),
        "qfd_downloads": ("Unduh rumah mutu dan rencana", "Download the house of quality and plan"),
        "qfd_downloads_caption": (
            "Tabel CSV, buku kerja xlsx (satu lembar per tabel) dan gambar PNG. Tabel QFD yang "
            "dipakai juga bisa diunduh untuk diubah lalu diunggah kembali.",
            "CSV tables, an xlsx workbook (one sheet per table) and a PNG picture. The QFD tables "
            "in use can be downloaded too, to edit and upload back.",
        ),
        "qfd_roof_heading": (
            "Atap: dimensi yang saling memengaruhi",
            "Roof: dimensions that move together",
        ),
        "qfd_correlation": ("Korelasi", "Correlation"),
        "qfd_reasoning": ("Alasan", "Reasoning"),
        "qfd_needs_heading": ("Kebutuhan pembeli dan alasannya", "Buyer needs and their reasoning"),
        "qfd_chart_title": ("Rumah mutu: {product}", "House of quality: {product}"),
        "qfd_row_weight": ("Bobot teknis (%)", "Technical weight (%)"),
        "qfd_row_readiness": ("Kesiapan (0-1)", "Readiness (0-1)"),
        "qfd_row_priority": ("Prioritas (%)", "Priority (%)"),
        "qfd_value": ("Nilai", "Value"),
        "parameters_source": (
            "Parameter tanaman, harga dan kelas lahan: tabel bawaan.",
            "Crop, price and land-class parameters: the bundled tables.",
        ),
        # printed report (ovop_geo.printed)
        "rep_title": ("Laporan Perencanaan OVOP", "OVOP Planning Report"),
        "rep_cover_meta": (
            "Tanggal: {date} · ovop_geo versi {version} · set parameter: {params} · {n} desa",
            "Date: {date} · ovop_geo version {version} · parameter set: {params} · {n} villages",
        ),
        "rep_cover_purpose": (
            "Laporan ini merangkum calon sentra dan produk OVOP yang disarankan per desa, "
            "kendala lahan, dan dari mana setiap angka berasal. Ini bahan diskusi (mis. "
            "Musrenbang), bukan keputusan: periksa status data di bawah sebelum mengutip angka.",
            "This report summarises the candidate sentra and the recommended OVOP product per "
            "village, the land constraints, and where every figure comes from. It is material "
            "for discussion (e.g. a Musrenbang), not a decision: check the data status below "
            "before quoting a figure.",
        ),
        "rep_cover_notice": (
            "Batas desa indikatif, bukan batas hukum. Angka perkiraan dan lapisan ilustratif "
            "ditandai di setiap halaman yang memakainya.",
            "Village boundaries are indicative, not legal. Estimated figures and illustrative "
            "layers are marked on every page that uses them.",
        ),
        "rep_status_title": ("Status data", "Data status"),
        "rep_status_real": ("Data nyata (terbit)", "Real data (published)"),
        "rep_status_illustrative": (
            "Data ilustratif (bukan data lapangan)",
            "Illustrative data (not field data)",
        ),
        "rep_status_estimated": ("Angka perkiraan", "Estimated figures"),
        "rep_status_boundaries": ("Batas wilayah", "Boundaries"),
        "rep_status_businesses": ("Unit usaha", "Business units"),
        "rep_estimated_harvest": (
            "produksi per desa (total wilayah dibagi menurut lahan sesuai yang diusahakan)",
            "production per village (region totals spread by suitable land in farm use)",
        ),
        "rep_estimated_capacity": (
            "daya dukung lahan (dari produksi perkiraan)",
            "land carrying capacity (from estimated production)",
        ),
        "rep_estimated_growth": (
            "skenario pertumbuhan mulai {start} dari angka {year} (asumsi)",
            "growth scenarios from {start} starting from the {year} figures (assumptions)",
        ),
        "rep_estimated_parameters": (
            "parameter tanaman, harga, bobot kriteria: asumsi kecuali disebut sumbernya",
            "crop, price and criteria-weight parameters: assumptions unless a source is named",
        ),
        "rep_none": ("tidak ada", "none"),
        "rep_yes": ("ya", "yes"),
        "rep_params_default": ("bawaan", "default"),
        "rep_params_custom": ("diubah pengguna", "changed by the user"),
        "rep_role_boundaries": ("batas desa", "village boundaries"),
        "rep_role_businesses": ("unit usaha", "business units"),
        "rep_role_businesses_previous": (
            "unit usaha periode sebelumnya",
            "business units, previous period",
        ),
        "rep_role_harvest": ("luas panen dan hasil", "harvest area and yield"),
        "rep_role_assessment": ("penilaian kesiapan OVOP", "OVOP readiness assessment"),
        "rep_role_landuse": ("penggunaan lahan", "land use"),
        "rep_role_zoning": ("pola ruang (RTRW)", "zoning (spatial plan)"),
        "rep_role_elevation": ("elevasi (DEM)", "elevation (DEM)"),
        "rep_summary": ("Ringkasan", "Summary"),
        "rep_summary_large": (
            "{n} desa: terlalu banyak untuk satu baris per desa (lebih dari {k}); ringkasan per "
            "kabupaten di sini, per kecamatan di akhir laporan.",
            "{n} villages: too many for one row per village (more than {k}); summary by "
            "kabupaten here, by kecamatan at the end of the report.",
        ),
        "rep_recommended": ("Produk disarankan", "Recommended product"),
        "rep_reason_heading": ("Alasan", "Reason"),
        "rep_reason": (
            "{product}: {cls}, {firms} unit usaha; skor {score}, peringkat {rank} dari {n} desa "
            "calon untuk produk ini.",
            "{product}: {cls}, {firms} business units; score {score}, rank {rank} of {n} "
            "candidate villages for this product.",
        ),
        "rep_reason_criteria": (
            "Paling ditentukan oleh: {criteria}.",
            "Decided mostly by: {criteria}.",
        ),
        "rep_reason_not_best": (
            "Produk terbaik desa ini, {best} (skor {score}), diberikan ke desa lain karena "
            "alokasi memberi tiap desa produk berbeda.",
            "The village's best product, {best} (score {score}), went to another village "
            "because the allocation gives each village a different product.",
        ),
        "rep_reason_tie": (
            "Seri dengan {best} (skor {score}) di desa ini; alokasi memilih produk ini karena "
            "tiap desa mendapat produk berbeda.",
            "Tied with {best} (score {score}) in this village; the allocation chose this "
            "product because each village gets a different product.",
        ),
        "rep_reason_fragile": (
            "Rapuh: peringkat berubah bila bobot sedikit diubah.",
            "Fragile: the rank changes when the weights move a little.",
        ),
        "rep_reason_none": (
            "Belum ada produk disarankan (data unit usaha belum ada).",
            "No product recommended yet (no business counts).",
        ),
        "rep_runner_up": (
            "Pilihan kedua: {product} (selisih skor {margin}).",
            "Runner-up: {product} (score margin {margin}).",
        ),
        "rep_class_sentra": ("sentra (PP 29/2018: ≥ {n} unit)", "sentra (PP 29/2018: ≥ {n} units)"),
        "rep_class_pre_sentra": ("pra-sentra (2–{m} unit)", "pre-sentra (2–{m} units)"),
        "rep_class_potential": ("potensial (1 unit)", "potential (1 unit)"),
        "rep_class_legend": ("Kelas calon", "Candidate class"),
        "rep_sentra_heading": (
            "Sentra menurut PP 29/2018 (≥ {n} unit usaha sejenis)",
            "Sentra under PP 29/2018 (≥ {n} similar business units)",
        ),
        "rep_sentra_item": (
            "{village}: {product}, {firms} unit usaha",
            "{village}: {product}, {firms} business units",
        ),
        "rep_no_sentra": (
            "Tidak ada desa × produk yang memenuhi PP 29/2018 (≥ {n} unit).",
            "No village × product pair meets PP 29/2018 (≥ {n} units).",
        ),
        "rep_more": (
            "… dan {n} lainnya (lihat sentra_candidates.csv).",
            "… and {n} more (see sentra_candidates.csv).",
        ),
        "rep_clusters_heading": (
            "Klaster sentra (desa bertetangga yang membuat produk sama)",
            "Sentra clusters (neighbouring villages making the same product)",
        ),
        "rep_cluster_item": (
            "{product}: {n} desa, {firms} unit usaha, {cls}: {villages}",
            "{product}: {n} villages, {firms} business units, {cls}: {villages}",
        ),
        "rep_no_clusters": (
            "Tidak ada klaster dua desa atau lebih.",
            "No cluster of two villages or more.",
        ),
        "rep_land_heading": ("Kendala lahan utama", "Main land constraint"),
        "rep_land_balance": (
            "Lahan pertanian {farmland}; dipakai tanaman {used}; sesuai dan belum dipakai "
            "{unused} (dialokasikan sekali ke tanaman).",
            "Farmland {farmland}; in use by crops {used}; suitable and unused {unused} "
            "(allocated once over the crops).",
        ),
        "rep_capacity": (
            "Daya dukung lahan (beras setara): {status}, rasio pasokan/kebutuhan {ratio}, "
            "indeks α {alpha} (kelas {cls}).",
            "Land carrying capacity (beras equivalent): {status}, supply/demand {ratio}, "
            "α index {alpha} (class {cls}).",
        ),
        "rep_short_now": (
            "{crop}: {n} desa sudah kekurangan lahan sekarang ({villages}).",
            "{crop}: land is short now in {n} village(s) ({villages}).",
        ),
        "rep_food_binding": (
            "Kebutuhan pangan penduduk mengikat lebih dulu untuk: {crops}.",
            "The population's food need binds first for: {crops}.",
        ),
        "rep_land_unknown": (
            "Neraca lahan belum dapat dihitung: lapisan penggunaan lahan atau "
            "statistik panen belum ada.",
            "The land balance cannot be computed yet: no land-use layer or harvest statistics.",
        ),
        "rep_change_heading": (
            "Data yang akan mengubah gambaran",
            "Data that would change the picture",
        ),
        "rep_change_layers": (
            "Lapisan nyata menggantikan yang ilustratif ({layers}): peta penggunaan lahan, "
            "RTRW resmi, DEM terukur.",
            "Real layers in place of the illustrative ones ({layers}): a land-use map, the "
            "official spatial plan, a measured DEM.",
        ),
        "rep_change_harvest": (
            "Luas panen dan hasil per desa (kini perkiraan dari total).",
            "Harvest area and yield per village (now estimated from totals).",
        ),
        "rep_change_census": (
            "Sensus unit usaha per desa dan produk, bukan sampel.",
            "A census of business units per village and product, not a sample.",
        ),
        "rep_change_two_periods": (
            "Jumlah unit usaha dua periode (untuk LQ dinamis dan shift-share).",
            "Business counts for two periods (for dynamic LQ and shift-share).",
        ),
        "rep_change_businesses": (
            "Jumlah unit usaha per desa dan produk (belum ada).",
            "Business counts per village and product (missing).",
        ),
        "rep_change_optional": (
            "Kriteria yang belum diketahui: {criteria}.",
            "Criteria not yet known: {criteria}.",
        ),
        "rep_change_readiness": (
            "Penilaian kesiapan per usaha (kini satu penilaian kecamatan).",
            "Readiness assessed per firm (now one kecamatan-level assessment).",
        ),
        "rep_kabupaten": ("Kabupaten", "Kabupaten"),
        "rep_sentra_villages": ("Desa sentra", "Sentra villages"),
        "rep_by_kecamatan": ("Ringkasan per kecamatan", "Summary by kecamatan"),
        "rep_maps": ("Peta", "Maps"),
        "rep_map_overview": (
            "Produk OVOP yang disarankan per desa",
            "Recommended OVOP product per village",
        ),
        "rep_map_overview_caption": (
            "Warna dan arsiran menunjukkan produk yang disarankan (terbaca juga hitam-putih).",
            "Colour and hatching show the recommended product (readable in black and white too).",
        ),
        "rep_map_product": (
            "{product}: desa calon dan klaster",
            "{product}: candidate villages and clusters",
        ),
        "rep_map_product_caption": (
            "{product}: kelas calon per desa (gelap = sentra); garis tebal = klaster desa "
            "bertetangga; angka = unit usaha.",
            "{product}: candidate class per village (dark = sentra); thick line = cluster of "
            "neighbouring villages; number = business units.",
        ),
        "rep_map_source": ("Sumber batas: {source}", "Boundaries: {source}"),
        "rep_map_no_basemap": (
            "Tanpa peta dasar. Koordinat geografis (WGS 84).",
            "No basemap. Geographic coordinates (WGS 84).",
        ),
        "rep_map_names_omitted": (
            "{n} desa: nama tidak ditulis pada skala ini (lihat tabel).",
            "{n} villages: names not written at this scale (see the tables).",
        ),
        "rep_cluster_legend": ("Klaster desa bertetangga", "Cluster of neighbouring villages"),
        "rep_not_candidate": ("bukan calon", "not a candidate"),
        "rep_rank": ("Peringkat", "Rank"),
        "rep_firms_short": ("{n} unit", "{n} units"),
        "rep_qfd": ("Rencana perbaikan (QFD)", "Improvement plan (QFD)"),
        "rep_qfd_intro": (
            "Rumah mutu (house of quality) tiap produk yang direkomendasikan: kebutuhan pembeli "
            "(baris) dikaitkan dengan dimensi kesiapan usaha (kolom); prioritas = bobot teknis x "
            "kesenjangan kesiapan. Langkah dukungan diurutkan menurut prioritas yang ditanganinya.",
            "The house of quality of each recommended product: buyer needs (rows) linked to the "
            "firms' readiness dimensions (columns); priority = technical weight x readiness gap. "
            "Support measures are ranked by the priority they address.",
        ),
        "rep_qfd_measure": ("Langkah dukungan", "Support measure"),
        "rep_qfd_defaults": (
            "Tabel bawaan (asumsi): {tables}.",
            "Default tables (assumptions): {tables}.",
        ),
        "rep_qfd_addressed": ("Prioritas ditangani", "Priority addressed"),
        "rep_qfd_dimensions": ("Dimensi utama", "Main dimensions"),
        "rep_qfd_skipped": (
            "{product}: tanpa rumah mutu ({reason}).",
            "{product}: no house of quality ({reason}).",
        ),
        "rep_profiles": ("Profil desa", "Village profiles"),
        "rep_profiles_selected": (
            "Hanya {n} desa diprofilkan: {k} calon teratas tiap produk (pilih desa lain dengan "
            "--villages).",
            "Only {n} villages are profiled: the top {k} candidates of each product (choose "
            "others with --villages).",
        ),
        "rep_no_profiles": (
            "Tidak ada desa untuk diprofilkan (belum ada calon sentra).",
            "No village to profile (no candidate sentra yet).",
        ),
        "rep_profile_heading": ("Profil desa: {name}", "Village profile: {name}"),
        "rep_profile_meta": (
            "Kode {code} · Kecamatan {group} · luas {area} · KK (tercetak) {households}",
            "Code {code} · Kecamatan {group} · area {area} · households (as printed) {households}",
        ),
        "rep_locator": ("Letak desa (hitam) di wilayah", "Where the village lies (black)"),
        "rep_firms_chart": ("Unit usaha per produk", "Business units per product"),
        "rep_firms_caption": (
            "Batang gelap = produk disarankan; garis putus = ambang PP 29/2018.",
            "Dark bar = recommended product; dashed line = PP 29/2018 threshold.",
        ),
        "rep_pp29_line": ("PP 29/2018: {n}", "PP 29/2018: {n}"),
        "rep_land_chart": ("Neraca lahan desa (ha)", "Land balance of the village (ha)"),
        "rep_land_caption": (
            "Dipakai + belum dipakai (sesuai) + lainnya = luas desa; lahan belum dipakai "
            "dialokasikan sekali ke tanaman.",
            "In use + unused (suitable) + other = village area; unused land is allocated once "
            "over the crops.",
        ),
        "rep_land_used": ("dipakai tanaman", "in use by crops"),
        "rep_land_unused": ("sesuai, belum dipakai", "suitable, unused"),
        "rep_land_other": (
            "lainnya (tidak sesuai, permukiman, kebun, hutan, air)",
            "other (unsuitable, settlement, plantation, forest, water)",
        ),
        "rep_land_overused": ("dipakai melebihi lahan sesuai", "in use beyond suitable land"),
        "rep_land_farmland": ("Lahan pertanian (ha)", "Farmland (ha)"),
        "rep_candidates": (
            "Skor calon sentra dan kriteria penentu",
            "Candidate scores and the deciding criteria",
        ),
        "rep_first_share": ("Peringkat 1 (% simulasi)", "Ranked 1st (% of runs)"),
        "rep_cluster": ("Klaster", "Cluster"),
        "rep_deciding": (
            "Kriteria penentu (poin skor terbesar)",
            "Deciding criteria (largest score points)",
        ),
        "rep_no_candidates": (
            "Desa ini bukan calon sentra untuk produk mana pun.",
            "This village is not a candidate sentra for any product.",
        ),
        "rep_readiness": (
            "Kesiapan OVOP (penilaian tingkat kecamatan, 0-1, Tabel 4 makalah): {items}.",
            "OVOP readiness (kecamatan-level assessment, 0-1, the paper's Table 4): {items}.",
        ),
        "rep_readiness_none": ("Kesiapan OVOP: belum dinilai.", "OVOP readiness: not assessed."),
        "rep_flags": ("Catatan", "Flags"),
        "rep_flag_short_now": (
            "Lahan sudah tidak cukup sekarang untuk: {crops}.",
            "Land is short now for: {crops}.",
        ),
        "rep_flag_households": (
            "Jumlah KK seperti tercetak di sumber; kemungkinan jiwa.",
            "Households (KK) as printed in the source; likely persons.",
        ),
        "rep_comparison": ("Perbandingan desa", "Villages compared"),
        "rep_comparison_caption": (
            "Produk, kelas, skor dan LQ untuk produk yang disarankan; daya dukung = rasio "
            "pasokan/kebutuhan (beras setara); jarak garis lurus.",
            "Product, class, score and LQ for the recommended product; capacity = supply/"
            "demand ratio (beras equivalent); straight-line distance.",
        ),
        "rep_households_short": ("KK (tercetak)", "Households (printed)"),
        "rep_lq": ("LQ", "LQ"),
        "rep_capacity_short": ("Daya dukung", "Capacity"),
        "rep_methods": ("Metode dan asal data", "Methods and provenance"),
        "rep_parameters": ("Parameter", "Parameters"),
        "rep_parameter": ("Parameter", "Parameter"),
        "rep_growth_used": ("skenario pertumbuhan yang dipakai", "growth scenarios applied"),
        "rep_growth_value": (
            "{rates} per tahun; penduduk {pop} per tahun; mulai {start} dari angka {year}",
            "{rates} a year; population {pop} a year; from {start} starting "
            "from the {year} figures",
        ),
        "rep_weights": (
            "Bobot kriteria yang benar-benar dipakai",
            "Criteria weights actually applied",
        ),
        "rep_weight_applied": ("Bobot dipakai", "Weight applied"),
        "rep_weights_unknown": (
            "Kriteria tanpa data (bobotnya tidak dipakai): {criteria}.",
            "Criteria without data (their weight is not applied): {criteria}.",
        ),
        "rep_source": ("Sumber", "Source"),
        "rep_rules": ("Aturan dan sumbernya", "Rules and their sources"),
        "rep_rule_pp29": (
            "Sentra: paling sedikit {n} unit usaha sejenis di satu desa (PP 29/2018).",
            "Sentra: at least {n} similar business units in one village (PP 29/2018).",
        ),
        "rep_rule_classes": (
            "Kelas calon: sentra ≥ {n} unit; pra-sentra {m}–{k} unit; potensial 1 unit; desa "
            "tanpa unit usaha bukan calon (kriteria b makalah: masyarakat sudah membuatnya).",
            "Candidate classes: sentra ≥ {n} units; pre-sentra {m}–{k} units; potential 1 "
            "unit; a village without firms is not a candidate (the paper's criterion b: the "
            "community already makes it).",
        ),
        "rep_rule_bps": (
            "Aturan BPS: pelaku usaha sejenis ≥ {share} rumah tangga desa.",
            "BPS rule: similar businesses ≥ {share} of the village's households.",
        ),
        "rep_rule_lq": (
            "LQ = (unit produk di desa / semua unit di desa) / (unit produk di "
            "wilayah / semua unit di wilayah); LQ > 1: produk basis.",
            "LQ = (product's units in the village / all units in the village) / "
            "(product's units in the region / all units in the region); LQ > 1: a "
            "base product.",
        ),
        "rep_rule_score": (
            "Skor 0-100: jumlah tertimbang kriteria yang dinormalisasi per produk; kriteria "
            "tanpa data tidak dihitung dan bobotnya tidak dipindahkan diam-diam (lihat tabel "
            "bobot).",
            "Score 0-100: weighted sum of the criteria normalised per product; criteria "
            "without data are not counted and their weight is not moved silently (see the "
            "weight table).",
        ),
        "rep_rule_sensitivity": (
            "Sensitivitas: {n} set bobot acak (Dirichlet, konsentrasi {c}) di sekitar bobot "
            "yang dipilih; rapuh = peringkat sering berubah.",
            "Sensitivity: {n} random weight sets (Dirichlet, concentration {c}) around the "
            "chosen weights; fragile = the rank changes often.",
        ),
        "rep_rule_allocation": (
            "Alokasi OVOP: satu produk per desa, memaksimalkan total skor (masalah penugasan).",
            "OVOP allocation: one product per village, maximising the total score (an "
            "assignment problem).",
        ),
        "rep_rule_clusters": (
            "Klaster: desa yang bersinggungan batas dan membuat produk yang sama; kelasnya "
            "dengan aturan yang sama atas jumlah unit klaster.",
            "Clusters: villages that share a border and make the same product; classed by the "
            "same rules on the cluster's total units.",
        ),
        "rep_rule_capacity": (
            "Daya dukung lahan setara beras (Permen LH 17/2009), indeks α dan kelasnya.",
            "Land carrying capacity in beras equivalent (Permen LH 17/2009), the α index and "
            "its classes.",
        ),
        "rep_adapter_analysis": (
            "Kelas, klaster dan rekomendasi dari analisis.",
            "Classes, clusters and recommendations from the analysis.",
        ),
        "rep_adapter_derived": (
            "Kelas dan klaster dihitung oleh laporan dari jumlah unit usaha dan batas desa; "
            "produk disarankan = hasil alokasi OVOP.",
            "Classes and clusters are derived by the report from the business counts and the "
            "village borders; the recommended product is the OVOP allocation.",
        ),
        "rep_assumptions": ("Asumsi dan catatan analisis", "Assumptions and analysis notes"),
        "rep_inputs": ("Berkas masukan (seperti run.json)", "Input files (as in run.json)"),
        "rep_inputs_caption": (
            "✓ = ilustratif. SHA-256 memastikan berkas yang sama dipakai.",
            "✓ = illustrative. The SHA-256 shows the same file was used.",
        ),
        "rep_role": ("Peran", "Role"),
        "rep_file": ("Berkas", "File"),
        "rep_run_record": (
            "ovop_geo {version}, Python {python}, dibuat {time} (UTC).",
            "ovop_geo {version}, Python {python}, made {time} (UTC).",
        ),
        "download_report": (
            "Unduh laporan cetak ({name})",
            "Download the printable report ({name})",
        ),
        "report_caption": (
            "Laporan PDF dan HTML untuk parameter saat ini: ringkasan, peta, "
            "profil desa, perbandingan, metode.",
            "PDF and HTML report for the current parameters: summary, maps, "
            "village profiles, comparison, methods.",
        ),
    }
)


def t(key: str, lang: str = DEFAULT_LANG, **fmt: object) -> str:
    """The text for ``key`` in ``lang``, with ``{placeholders}`` filled from ``fmt``.

    Parameters
    ----------
    key : str
        A key of :data:`STRINGS`.
    lang : {"id", "en"}
        Language code; Bahasa Indonesia by default.
    **fmt
        Values for the placeholders in the text.

    Returns
    -------
    str

    Raises
    ------
    ParameterError
        If the key or the language is unknown, or a placeholder has no value.
    """
    if lang not in LANGUAGES:
        raise ParameterError(f"Unknown language '{lang}': use one of {', '.join(LANGUAGES)}.")
    try:
        text = STRINGS[key][lang]
    except KeyError as err:
        raise ParameterError(f"No text for key '{key}'. Add it to ovop_geo.i18n.STRINGS.") from err
    if not fmt:
        return text
    try:
        return text.format(**fmt)
    except KeyError as err:
        raise ParameterError(f"Text '{key}' needs a value for {err}.") from err


def fmt_number(
    x: float | None, lang: str = DEFAULT_LANG, unit: str = "", *, decimals: int = 1
) -> str:
    """Format a number with the language's separators and an optional unit.

    Parameters
    ----------
    x : float or None
        The value; ``None`` and NaN give an en dash.
    lang : {"id", "en"}
        ``"id"`` uses ``.`` for thousands and ``,`` for decimals (``12.610,5``); ``"en"`` the
        reverse (``12,610.5``).
    unit : str
        Appended after a space when not empty (``"t"``, ``"ha"``, ``"%"``).
    decimals : int
        Digits after the decimal separator; trailing zeros are kept so columns line up.

    Returns
    -------
    str
    """
    if lang not in LANGUAGES:
        raise ParameterError(f"Unknown language '{lang}': use one of {', '.join(LANGUAGES)}.")
    if x is None or (isinstance(x, Real) and math.isnan(x)):
        text = "–"
    else:
        text = f"{float(x):,.{max(decimals, 0)}f}"
        if text in {"-0", "-0." + "0" * decimals}:
            text = text[1:]
        if lang == "id":
            text = text.translate(str.maketrans({",": ".", ".": ","}))
    return f"{text} {unit}" if unit else text


def translate_note(note: str, lang: str = DEFAULT_LANG) -> str:
    """A note or message of the library in ``lang``.

    Notes and messages built from the catalogue (:class:`ovop_geo.messages.Message`) are shown
    in ``lang``; any other text as written.
    """
    if lang not in LANGUAGES:
        raise ParameterError(f"Unknown language '{lang}': use one of {', '.join(LANGUAGES)}.")
    return translate(note, lang)

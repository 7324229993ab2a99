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
        "businesses_source": ("Sumber jumlah unit usaha: {source}",
                              "Source of the business counts: {source}"),
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
        "households": ("Jumlah KK (seperti tercetak; kemungkinan jiwa)",
                       "Households (KK as printed; likely persons)"),
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
        "product": ("Produk", "Product"),
        "no_products": ("Belum ada data unit usaha: skor per produk tidak tersedia.",
                        "No business counts yet: scores per product are not available."),
        "weights_heading": ("Bobot kriteria", "Criteria weights"),
        "weights_mode": ("Cara menentukan bobot", "How to set the weights"),
        "weights_mode_sliders": ("Geser bobot", "Sliders"),
        "weights_mode_ahp": ("AHP (perbandingan berpasangan)", "AHP (pairwise comparison)"),
        "weights_all_zero": ("Semua bobot 0: bobot bawaan dipakai.",
                             "Every weight is 0: the default weights are used."),
        "weights_defaults_note": ("Nilai awal dari criteria.csv (asumsi).",
                                  "Starting values from criteria.csv (assumptions)."),
        "ahp_help": (
            "Isi segitiga atas: berapa kali kelompok baris lebih penting daripada kelompok kolom "
            "(1/9 … 9). Segitiga bawah diisi otomatis dengan kebalikannya.",
            "Fill in the upper triangle: how many times the row group is more important than "
            "the column group (1/9 … 9). The lower triangle is filled with the reciprocals.",
        ),
        "ahp_cr": ("Rasio konsistensi (CR): {cr}", "Consistency ratio (CR): {cr}"),
        "ahp_rejected": ("Matriks AHP ditolak; bobot bawaan dipakai.",
                         "AHP matrix refused; the default weights are used."),
        "criterion_group": ("Kelompok kriteria", "Criteria group"),
        "group_existing_activity": ("Kegiatan usaha yang ada", "Existing activity"),
        "group_raw_material": ("Bahan baku", "Raw material"),
        "group_location_access": ("Lokasi dan akses", "Location and access"),
        "group_human_resources": ("Sumber daya manusia", "Human resources"),
        "group_institutions": ("Kelembagaan", "Institutions"),
        "group_local_wisdom": ("Kearifan lokal", "Local wisdom"),
        "thresholds_heading": ("Ambang sentra dan skenario", "Sentra thresholds and scenario"),
        "min_units": ("Minimal unit usaha sejenis (PP 29/2018)",
                      "Minimum similar business units (PP 29/2018)"),
        "min_household_share": ("Minimal proporsi rumah tangga pelaku usaha (BPS, %)",
                                "Minimum share of households in the business (BPS, %)"),
        "slope_limit": ("Batas kemiringan lereng (%)", "Slope limit (%)"),
        "growth_rate": ("Pertumbuhan kebutuhan bahan baku (%/tahun)",
                        "Growth of raw-material demand (%/yr)"),
        # tabs
        "tab_map": ("Peta", "Map"),
        "tab_compare": ("Bandingkan desa", "Compare villages"),
        "tab_land": ("Ketersediaan lahan", "Land availability"),
        "tab_readiness": ("Kesiapan OVOP", "OVOP readiness"),
        "tab_qfd": ("Rencana perbaikan (QFD)", "Improvement plan (QFD)"),
        "tab_exports": ("Unduhan", "Downloads"),
        "tab_own": ("Data sendiri", "Own data"),
        # map
        "map_indicator_no_data": ("Indikator ini belum punya data untuk wilayah ini.",
                                  "This indicator has no data for this region yet."),
        "layers_note": ("Lapisan penggunaan lahan, pola ruang dan lereng dapat dinyalakan di "
                        "kotak lapisan pada peta.",
                        "Land-use, zoning and slope layers can be switched on in the map's "
                        "layer box."),
        "status_deficit": ("defisit", "deficit"),
        "status_surplus": ("surplus", "surplus"),
        "status_balanced": ("seimbang", "balanced"),
        "illustrative_layers": ("Lapisan ilustratif (bukan data lapangan): {layers}.",
                                "Illustrative layers (not field data): {layers}."),
        "estimated_note": ("Angka produksi per desa adalah perkiraan (total wilayah dibagi "
                           "menurut lahan sesuai yang kini diusahakan, dari lapisan "
                           "penggunaan lahan).",
                           "Production per village is estimated (region totals spread by "
                           "suitable land in current farm use, from the land-use layer)."),
        "analysis_notes": ("Catatan analisis ({n})", "Analysis notes ({n})"),
        # village profile beside the map
        "kabupaten": ("Kabupaten/kota", "Regency/city"),
        "search_village": ("Cari desa (nama atau kode)", "Find a village (name or code)"),
        "filter_all": ("– semua –", "– all –"),
        "search_none": ("– semua desa –", "– all villages –"),
        "profile_hint": ("Klik desa di peta atau cari namanya untuk melihat profilnya.",
                         "Click a village on the map or find it by name to see its profile."),
        "profile_facts": ("Kode {code} · Kecamatan {kecamatan} · luas {area} · {households}",
                          "Code {code} · Sub-district {kecamatan} · area {area} · {households}"),
        "profile_households": ("KK {n}", "households {n}"),
        "profile_firms": ("Unit usaha", "Business units"),
        "profile_no_firms": ("Tidak ada unit usaha tercatat.", "No business units recorded."),
        "profile_balance": ("Neraca lahan", "Land balance"),
        "profile_products": ("Calon produk", "Candidate products"),
        "profile_product_line": ("**{product}**: skor {score}, peringkat {rank} dari {n}",
                                 "**{product}**: score {score}, rank {rank} of {n}"),
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
            "This village's production is estimated (region totals spread)."),
        "profile_flag_illustrative": ("Dari lapisan ilustratif: {layers}.",
                                      "From illustrative layers: {layers}."),
        "profile_flag_no_businesses": ("Tidak ada data unit usaha untuk desa ini.",
                                       "No business counts for this village."),
        "profile_flag_land_short": ("Lahan untuk {crop} tidak cukup mulai {year}.",
                                    "Land for {crop} runs short from {year}."),
        "profile_flag_fragile": (
            "Peringkat rapuh: berubah bila bobot sedikit diubah.",
            "Fragile rank: it changes when the weights change a little."),
        "provenance_heading": ("{boundaries} · sumber dan catatan ({n})",
                               "{boundaries} · sources and notes ({n})"),
        # compare
        "compare_villages": ("Pilih desa untuk dibandingkan", "Villages to compare"),
        "compare_heading": ("Perbandingan desa untuk {product}", "Villages compared for {product}"),
        "score": ("Skor (0-100)", "Score (0-100)"),
        "share_rank1": ("Proporsi simulasi peringkat 1 (%)", "Share of runs ranked first (%)"),
        "rank_range": ("Rentang peringkat", "Rank range"),
        "fragile": ("Rapuh", "Fragile"),
        "fragile_note": ("Rapuh: peringkat berubah besar bila bobot sedikit diubah (analisis "
                         "sensitivitas {n} simulasi).",
                         "Fragile: the rank changes a lot when the weights move a little "
                         "(sensitivity analysis, {n} runs)."),
        "ovop_product": ("Produk OVOP", "OVOP product"),
        "ovop_score": ("Skor produk OVOP", "OVOP product score"),
        "score_lost": ("Skor yang dikorbankan", "Score given up"),
        "businesses": ("Unit usaha", "Business units"),
        "chart_production": ("Produksi bahan baku per desa (t/tahun)",
                             "Raw-material production per village (t/yr)"),
        "chart_businesses": ("Unit usaha per produk", "Business units per product"),
        "chart_profile": ("Profil kriteria ternormalisasi (0-1) untuk {product}",
                          "Normalised criteria profile (0-1) for {product}"),
        "crop": ("Tanaman", "Crop"),
        "criterion": ("Kriteria", "Criterion"),
        "normalised_value": ("Nilai ternormalisasi (0-1)", "Normalised value (0-1)"),
        "production_t": ("Produksi (t)", "Production (t)"),
        "no_scores": ("Skor belum dapat dihitung: data unit usaha belum ada.",
                      "Scores cannot be computed yet: business counts are missing."),
        # land
        "land_heading": ("Ketersediaan lahan per desa dan tanaman",
                         "Land availability per village and crop"),
        "suitable_ha": ("Lahan sesuai untuk tanaman ini (ha; tidak dijumlahkan antar tanaman)",
                        "Suitable for this crop (ha; not additive over crops)"),
        "in_use_ha": ("Lahan dipakai tanaman ini (ha = luas panen ÷ indeks pertanaman)",
                      "Land in use by this crop (ha = harvest area ÷ cropping intensity)"),
        "unused_suitable_ha": ("Lahan sesuai yang belum dipakai, batas atas (ha; tidak "
                               "dijumlahkan)",
                               "Unused land suitable for this crop, upper bound (ha; not "
                               "additive)"),
        "available_ha": ("Lahan tersedia, bagian alokasi (ha; dijumlahkan = lahan belum dipakai)",
                         "Available land, share of one allocation (ha; adds up to unused land)"),
        "demand_processed_t_yr": ("Kebutuhan bahan olahan (t/tahun)",
                                  "Processed-input demand (t/yr)"),
        "cropping_intensity": ("Indeks pertanaman (panen/tahun)",
                               "Cropping intensity (harvests/yr)"),
        "balance_heading": ("Neraca lahan fisik per desa", "Physical land balance per village"),
        "chart_land_balance": ("Luas desa: dipakai / sesuai belum dipakai / tidak sesuai (ha)",
                               "Village area: in use / unused suitable / unsuitable (ha)"),
        "land_part": ("Bagian lahan", "Part of the land"),
        "area_ha_axis": ("Luas (ha)", "Area (ha)"),
        "land_used_ha": ("Dipakai tanaman (ha)", "In use by crops (ha)"),
        "land_unused_ha": ("Sesuai, belum dipakai (ha)", "Suitable, unused (ha)"),
        "land_unsuitable_ha": ("Tidak sesuai / bukan lahan tani (ha)",
                               "Unsuitable / not farmland (ha)"),
        "land_farmland_ha": ("Lahan tani menurut penggunaan kini (ha)",
                             "Farmland by current use (ha)"),
        "land_suitable_ha": ("Lahan tani sesuai untuk minimal satu tanaman (ha)",
                             "Farmland suitable for at least one crop (ha)"),
        "land_overused_ha": ("Dipakai melebihi lahan sesuai (ha)",
                             "In use beyond the suitable land (ha)"),
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
        "land_needed_10y_ha": ("Lahan dibutuhkan +10 tahun (ha)",
                               "Land needed in 10 years (ha)"),
        "year_land_short": ("Tahun lahan tidak cukup", "Year land runs short"),
        "estimated": ("Perkiraan", "Estimated"),
        "estimated_caption": ("Kolom 'Perkiraan' = angka perkiraan, bukan data lapangan. "
                              "Tahun lahan tidak cukup: skenario tengah.",
                              "Column 'Estimated' marks estimated figures, not field data. "
                              "Year land runs short: central scenario."),
        "growth_rate_help": (
            "Skenario tengah. Rendah 2,35 %/tahun (pertumbuhan penduduk, makalah Tabel 2) dan "
            "tinggi 30 %/tahun (batas bawah satu jawaban survei makalah, bukan tren) tetap "
            "ditampilkan.",
            "Central scenario. Low 2.35 %/yr (population growth, paper Table 2) and high "
            "30 %/yr (the lower bound of one survey answer in the paper, not a trend) are "
            "shown beside it.",
        ),
        "food_growth_heading": ("Pangan dulu, lalu bahan baku: wilayah per tanaman",
                                "Food first, then raw materials: the region per crop"),
        "food_need_t_yr": ("Kebutuhan pangan penduduk (t hasil panen/tahun)",
                           "Population's food need (t of harvest/yr)"),
        "left_after_food_t_yr": ("Sisa setelah pangan (t/tahun)", "Left after food (t/yr)"),
        "food_first_binding": ("Pembatas", "What binds"),
        "binding_food_need": ("kebutuhan pangan melebihi produksi",
                              "food need exceeds production"),
        "binding_raw_material_need": ("sisa setelah pangan kurang untuk bahan baku",
                                      "what is left after food is short of raw material"),
        "binding_none": ("cukup untuk pangan dan bahan baku", "enough for food and raw material"),
        "scenario_low": ("rendah", "low"),
        "scenario_central": ("tengah", "central"),
        "scenario_high": ("tinggi", "high"),
        "year_land_short_scenario": ("Tahun lahan tidak cukup, skenario {name} ({rate}/tahun)",
                                     "Year land runs short, {name} scenario ({rate}/yr)"),
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
        "short_now": ("Sudah tidak cukup pada {year} (kebutuhan pangan desa saja melebihi "
                      "lahannya, atau pangan + bahan baku kini): {items}.",
                      "Already short in {year} (the village's food need alone exceeds its "
                      "land, or food + raw material now): {items}."),
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
        "no_land": ("Ketersediaan lahan belum dapat dihitung: {missing}.",
                    "Land availability cannot be computed yet: {missing}."),
        "capacity_heading": ("Daya dukung lahan (Permen LH 17/2009)",
                             "Land carrying capacity (Permen LH 17/2009)"),
        "capacity_region": ("Wilayah: {status}, rasio pasokan/kebutuhan {ratio}; indeks α "
                            "{alpha} (kelas {alpha_class})",
                            "Region: {status}, supply/demand ratio {ratio}; α index {alpha} "
                            "(class {alpha_class})"),
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
        "no_assessment": ("Belum ada data penilaian OVOP untuk wilayah ini.",
                          "No OVOP assessment for this region yet."),
        # exports and missing statistics
        "exports_heading": ("Unduh hasil", "Download the results"),
        "exports_caption": ("Berkas dibuat saat tombol diklik.",
                            "Files are made when a button is clicked."),
        "download_file": ("Unduh {name}", "Download {name}"),
        "missing_heading": ("Statistik yang belum ada", "Missing statistics"),
        "missing_intro": ("Wilayah ini belum punya: {items}. Unduh templat (satu baris per kode "
                          "desa), isi, lalu muat sebagai data sendiri.",
                          "This region lacks: {items}. Download the template (one row per "
                          "village code), fill it in and load it as your own data."),
        "download_template": ("Unduh templat {name}", "Download the template {name}"),
        "download_template_kit": (
            "Unduh folder wilayah sendiri (zip: templat, tabel produk dan tanaman, batas desa, "
            "manifes siap pakai)",
            "Download the own-region folder (zip: templates, products and crops tables, "
            "boundaries, a ready manifest)"),
        # own data
        "own_heading": ("Muat data sendiri", "Load your own data"),
        "own_intro": ("Berkas disimpan di folder sementara sesi ini saja dan dihapus saat sesi "
                      "berakhir atau Anda berpindah wilayah.",
                      "Files are kept only in this session's temporary folder and removed when "
                      "the session ends or you switch region."),
        "upload_boundaries": ("Batas desa (GeoJSON, GeoPackage, Shapefile zip, GeoParquet)",
                              "Village boundaries (GeoJSON, GeoPackage, zipped Shapefile, "
                              "GeoParquet)"),
        "upload_boundaries_help": ("Wajib. Perlu CRS, kolom kode desa dan nama desa.",
                                   "Required. Needs a CRS, a village code and a name column."),
        "id_column": ("Kolom kode desa", "Village code column"),
        "name_column": ("Kolom nama desa", "Village name column"),
        "households_column": ("Kolom rumah tangga (KK, opsional)",
                              "Households column (optional)"),
        "none_option": ("(tidak ada)", "(none)"),
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
            "village_name. Desa tanpa baris dihitung 0.",
            "Columns: product, businesses (whole numbers ≥ 0), and village_code or "
            "village_name. Villages without rows count as 0.",
        ),
        "upload_landuse": ("Penggunaan lahan (poligon)", "Land use (polygons)"),
        "upload_landuse_help": (
            "Poligon dengan kolom class_id berisi kelas: sawah, tegalan, permukiman, "
            "kebun_sawit, semak, hutan_rawa_gambut, air.",
            "Polygons with a class_id column holding classes: sawah, tegalan, permukiman, "
            "kebun_sawit, semak, hutan_rawa_gambut, air.",
        ),
        "upload_dem": ("Model elevasi (GeoTIFF, meter)", "Elevation model (GeoTIFF, metres)"),
        "upload_dem_help": ("GeoTIFF dengan CRS; ketinggian dalam meter.",
                            "GeoTIFF with a CRS; elevations in metres."),
        "own_need_boundaries": ("Unggah batas desa untuk memulai.",
                                "Upload village boundaries to start."),
        "own_region_name": ("Wilayah unggahan", "Uploaded region"),
        "own_loaded": ("Data dimuat: {n} desa.", "Data loaded: {n} villages."),
        "own_not_loaded": ("Data belum dapat dimuat; perbaiki pesan di atas.",
                           "The data cannot be loaded yet; fix the messages above."),
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
        "qfd_no_products": ("Tidak ada produk untuk rumah mutu.",
                            "No products for a house of quality."),
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
        "qfd_readiness_product": ("Kesiapan diukur untuk usaha {product} sendiri (data per usaha).",
                                  "Readiness is that of the {product} firms themselves "
                                  "(per-firm rows)."),
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
        "qfd_in_scenario_note": ("▶ = masuk skenario ({n} langkah teratas).",
                                 "▶ = in the scenario (top {n} measures)."),
        "qfd_upload_survey": (
            "Survei per usaha (firm_id, product, dimension, level): kesiapan produk sendiri",
            "Per-firm survey (firm_id, product, dimension, level): the product's own readiness",
        ),
        "qfd_main_dimensions": ("Dimensi utama yang digerakkan", "Main dimensions moved"),
        "qfd_plan_heading": ("Rencana: langkah dukungan menurut prioritas",
                             "Plan: support measures by priority"),
        "qfd_places": ("Usaha terkait: {n} usaha {product} di {villages}.",
                       "Firms concerned: {n} {product} firms in {villages}."),
        "qfd_places_none": ("Tidak ada data jumlah usaha {product} per desa.",
                            "No counts of {product} firms per village."),
        "qfd_scenario_heading": ("Skenario (bukan ramalan): kesiapan setelah {n} langkah teratas",
                                 "Scenario (not a forecast): readiness after the top {n} "
                                 "measures"),
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
        "qfd_gap_closed": ("Celah yang ditutup satu langkah kuat (asumsi)",
                           "Gap closed by one strong measure (assumption)"),
        "qfd_own_tables": ("Tabel QFD sendiri (CSV)", "Your own QFD tables (CSV)"),
        "qfd_upload_needs": ("Kepentingan kebutuhan pembeli", "Buyer-need importance"),
        "qfd_upload_relationships": ("Matriks hubungan (9/3/1)", "Relationship matrix (9/3/1)"),
        "qfd_upload_measures": ("Langkah dukungan dan dimensinya", "Support measures and their "
                                "dimensions"),
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
        "qfd_roof_heading": ("Atap: dimensi yang saling memengaruhi",
                             "Roof: dimensions that move together"),
        "qfd_correlation": ("Korelasi", "Correlation"),
        "qfd_reasoning": ("Alasan", "Reasoning"),
        "qfd_needs_heading": ("Kebutuhan pembeli dan alasannya", "Buyer needs and their reasoning"),
        "qfd_chart_title": ("Rumah mutu: {product}", "House of quality: {product}"),
        "qfd_row_weight": ("Bobot teknis (%)", "Technical weight (%)"),
        "qfd_row_readiness": ("Kesiapan (0-1)", "Readiness (0-1)"),
        "qfd_row_priority": ("Prioritas (%)", "Priority (%)"),
        "qfd_value": ("Nilai", "Value"),
        "parameters_source": ("Parameter tanaman, harga dan kelas lahan: tabel bawaan.",
                              "Crop, price and land-class parameters: the bundled tables."),
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

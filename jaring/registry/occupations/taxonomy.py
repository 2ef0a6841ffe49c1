"""The occupation categories of pekerja rentan and how lists write them (data only).

Each :class:`CategorySpec` is a category as Pemda decrees name it, with its PP 50/2025 transport
flag (RULES.md §1.4) and its national synonyms. The classifier is in :mod:`.classifier`; the
reasoning for borderline categories is in docs/occupations.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from jaring.rules.messages import gettext_noop

# --- the taxonomy --------------------------------------------------------------------------------

GROUP_NEIGHBOURHOOD = "Perangkat lingkungan"
GROUP_ELECTION = "Penyelenggara pemilu"
GROUP_TRANSPORT = "Transportasi"
GROUP_TRADE = "Perdagangan & jasa"
GROUP_FARMING = "Pertanian & perikanan"
GROUP_LABOUR = "Buruh"
GROUP_RELIGIOUS = "Keagamaan & sosial"
GROUP_OTHER = "Lainnya"


@dataclass(frozen=True, slots=True)
class CategorySpec:
    """One category of pekerja rentan as a Pemda decree names it."""

    code: str
    #: An English msgid; the catalogue has its Indonesian (the name a Pemda decree uses).
    name: str
    group: str
    # PP 50/2025 gives transport-sector BPU (ojol, ojek pangkalan, sopir, kurir/logistik) a
    # longer contribution discount (RULES.md §1.4). True exactly for the GROUP_TRANSPORT rows.
    is_transport: bool
    synonyms: tuple[str, ...]
    sort_order: int


def _spec(
    code: str,
    name: str,
    group: str,
    sort_order: int,
    synonyms: tuple[str, ...],
) -> CategorySpec:
    return CategorySpec(
        code=code,
        name=name,
        group=group,
        is_transport=group == GROUP_TRANSPORT,
        synonyms=synonyms,
        sort_order=sort_order,
    )


# A table: one category a block, its synonyms filled to the line width.
# fmt: off
TAXONOMY: tuple[CategorySpec, ...] = (
    # Perangkat lingkungan -------------------------------------------------------------------------
    _spec("ketua_rt_rw", gettext_noop("Neighbourhood (RT/RW) head"), GROUP_NEIGHBOURHOOD, 10, (
        "Ketua RT", "Ketua RW", "Ketua RT/RW", "RT", "RW", "RT/RW", "RT 01/RW 02", "Ketua RT 03",
        "Ketua RW. 05", "Pengurus RT", "Pengurus RW", "Pengurus RT/RW", "Pak RT", "Pak RW",
        "Sekretaris RT", "Bendahara RT", "Wakil Ketua RT", "Ketua RK", "Kepala Lingkungan",
        "Kaling", "Kepling", "Ketua Lingkungan", "Ketua Rukun Tetangga", "Ketua Rukun Warga",
    )),
    _spec("kader", gettext_noop("Health, PKK and family-planning cadre"), GROUP_NEIGHBOURHOOD, 20, (
        "Kader", "Kader Posyandu", "Kader PKK", "Kader KB", "Kader Jumantik", "Jumantik",
        "Kader Kesehatan", "Kader Posbindu", "Kader Lansia", "Kader Dasawisma", "Kader TPK",
        "Tim Pendamping Keluarga", "Kader BKB", "Kader KPM", "Kader Pembangunan Manusia", "PPKBD",
        "Sub PPKBD", "Kader Bina Keluarga Balita", "Anggota PKK", "Pengurus PKK", "Kader PAUD",
        "Kader Stunting", "Kader Desa",
    )),
    _spec("linmas", gettext_noop("Community protection (Linmas) member"), GROUP_NEIGHBOURHOOD, 30, (
        "Linmas", "Satlinmas", "Anggota Linmas", "Anggota Satlinmas", "Hansip", "Linmas TPS",
        "Perlindungan Masyarakat", "Anggota Perlindungan Masyarakat", "Kasatlinmas",
    )),
    _spec("penjaga_keamanan", gettext_noop("Neighbourhood security guard"),
          GROUP_NEIGHBOURHOOD, 40, (
        "Satpam", "Satpam Lingkungan", "Penjaga Malam", "Jaga Malam", "Peronda", "Ronda Malam",
        "Petugas Keamanan", "Keamanan Lingkungan", "Security", "Sekuriti", "Petugas Siskamling",
        "Keamanan Pasar", "Penjaga Keamanan",
    )),
    # Penyelenggara pemilu -------------------------------------------------------------------------
    _spec("adhoc_kpu", gettext_noop("Election commission (KPU) ad hoc staff"), GROUP_ELECTION, 50, (
        "Adhoc KPU", "Ad Hoc KPU", "Badan Adhoc KPU", "PPK", "PPS", "KPPS", "Pantarlih",
        "Anggota PPK", "Anggota PPS", "Anggota KPPS", "Ketua KPPS", "Petugas KPPS",
        "Panitia Pemilihan Kecamatan", "Panitia Pemungutan Suara",
        "Kelompok Penyelenggara Pemungutan Suara", "Petugas Pemutakhiran Data Pemilih",
        "Sekretariat PPS", "Petugas TPS", "Anggota TPS", "Petugas KPU",
    )),
    _spec("adhoc_bawaslu", gettext_noop("Election supervisory (Bawaslu) ad hoc staff"),
          GROUP_ELECTION, 60, (
        "Adhoc Bawaslu", "Ad Hoc Bawaslu", "Panwascam", "Panwaslu Kecamatan", "Panwas", "Panwaslu",
        "PKD", "Pengawas Kelurahan/Desa", "Pengawas Desa", "Pengawas TPS", "PTPS",
        "Pengawas Pemilu", "Anggota Panwascam", "Staf Panwascam", "Pengawas Pemilu Kelurahan",
    )),
    # Transportasi ---------------------------------------------------------------------------------
    _spec("ojek_pangkalan", gettext_noop("Motorcycle-taxi rider (base, offline)"),
          GROUP_TRANSPORT, 100, (
        "Ojek Pangkalan", "Tukang Ojek", "Tkg Ojek", "Tukang Ojek Pangkalan", "Opang", "Ojek",
        "Ojeg", "Ojek Pengkolan", "Tukang Ojek Pengkolan", "Ojek Konvensional", "Ojek Tradisional",
        "Ngojek", "Pengojek", "Pangkalan Ojek", "Ojek Pasar",
    )),
    _spec("ojek_online", gettext_noop("Online ride-hailing driver (ojol)"), GROUP_TRANSPORT, 110, (
        "Ojol", "Ojek Online", "Driver Ojol", "Driver Online", "Driver Ojek Online", "Gojek",
        "Grab", "Maxim", "Driver Gojek", "Driver Grab", "Mitra Gojek", "Mitra Grab",
        "Driver Shopee Food", "Taksi Online", "Driver Taksi Online", "Taksol",
        "Pengemudi Ojek Online", "Ojek Daring", "Transportasi Online", "Tukang Ojek Online",
    )),
    _spec("becak", gettext_noop("Pedicab (becak) driver"), GROUP_TRANSPORT, 120, (
        "Tukang Becak", "Tkg Becak", "Becak", "Pengayuh Becak", "Penarik Becak", "Abang Becak",
        "Becak Motor", "Bentor", "Betor", "Tukang Becak Motor", "Penggenjot Becak", "Sopir Becak",
    )),
    _spec("sopir_angkot", gettext_noop("Public minibus (angkot) driver"), GROUP_TRANSPORT, 130, (
        "Sopir Angkot", "Supir Angkot", "Sopir Angkutan Kota", "Sopir Angkutan Umum", "Angkot",
        "Sopir Angkot Sistem Setoran", "Sopir Angkudes", "Sopir Angdes", "Sopir Angkutan Desa",
        "Sopir Angkutan Pedesaan", "Sopir Mikrolet", "Sopir Oplet", "Sopir Bemo", "Driver Angkot",
        "Pengemudi Angkot", "Pengemudi Angkutan Umum", "Sopir Bus Kota", "Sopir Trayek",
    )),
    _spec("sopir", gettext_noop("Driver (truck, pick-up, travel and other)"),
          GROUP_TRANSPORT, 140, (
        "Sopir", "Supir", "Driver", "Pengemudi", "Sopir Truk", "Sopir Truck", "Sopir Pick Up",
        "Sopir Travel", "Sopir Pribadi", "Sopir Taksi", "Sopir Bus", "Sopir Colt",
        "Sopir Dump Truk", "Sopir Tangki", "Sopir Ambulans Desa", "Sopir Rental", "Sopir Bajaj",
        "Sopir Serabutan", "Sopir Tembak",
    )),
    _spec("kernet", gettext_noop("Bus, minibus or truck conductor (kernet)"),
          GROUP_TRANSPORT, 150, (
        "Kernet", "Kenek", "Kernet Angkot", "Kernet Bus", "Kenek Truk", "Kernet Truk", "Kondektur",
        "Kondektur Bus", "Knek",
    )),
    _spec("kurir", gettext_noop("Courier / delivery worker"), GROUP_TRANSPORT, 160, (
        "Kurir", "Kurir Paket", "Kurir Ekspedisi", "Kurir Online", "Jasa Antar", "Jasa Kirim",
        "Pengantar Barang", "Pengantar Paket", "Pengantar Galon", "Pengantar Gas", "Loper Koran",
        "Kurir JNT", "Kurir JNE", "Kurir Shopee Express", "Delivery", "Kurir Logistik", "Ekspedisi",
    )),
    _spec("kusir", gettext_noop("Horse-cart driver"), GROUP_TRANSPORT, 170, (
        "Kusir", "Kusir Delman", "Kusir Andong", "Kusir Dokar", "Delman", "Andong", "Dokar",
        "Kusir Bendi", "Kusir Cidomo", "Sais Delman",
    )),
    _spec("tukang_perahu", gettext_noop("Ferry boatman"), GROUP_TRANSPORT, 180, (
        "Tukang Perahu", "Perahu Penyeberangan", "Tukang Perahu Penyeberangan", "Perahu Tambangan",
        "Tambangan", "Motoris", "Motoris Perahu", "Motoris Klotok", "Tukang Sampan", "Ojek Perahu",
        "Ojek Sampan", "Pengemudi Speedboat", "Juru Mudi Perahu", "Tukang Getek",
    )),
    # Perdagangan & jasa ---------------------------------------------------------------------------
    _spec("tukang_parkir", gettext_noop("Parking attendant"), GROUP_TRADE, 200, (
        "Tukang Parkir", "Tkg Parkir", "Juru Parkir", "Jukir", "Parkir", "Petugas Parkir",
        "Juru Parkir Pasar", "Tukang Parkir Liar", "Penjaga Parkir", "Jukir Tepi Jalan Umum",
    )),
    _spec("pengatur_lalu_lintas", gettext_noop("Volunteer traffic helper (supeltas, 'Pak Ogah')"),
          GROUP_TRADE, 210, (
        "Pengatur Lalu Lintas", "Pembantu Pengatur Lalu Lintas", "Pak Ogah", "Polisi Cepek",
        "Supeltas", "Sukarelawan Pengatur Lalu Lintas", "Relawan Pengatur Lalu Lintas",
        "Pengatur Lalu Lintas Tunarungu", "Pengatur Jalan", "Pengatur Putaran Jalan",
        "Penyeberang Jalan", "Pengatur Lalin",
    )),
    _spec("pedagang_keliling", gettext_noop("Itinerant trader / hawker"), GROUP_TRADE, 220, (
        "Pedagang Keliling", "Pdg Keliling", "Pedagang Asongan", "Asongan", "Pengasong",
        "Penjual Keliling", "Jualan Keliling", "Dagang Keliling", "Bakul Keliling", "Mlijo",
        "Tukang Sayur", "Tukang Sayur Keliling", "Pedagang Sayur Keliling", "Jamu Gendong",
        "Penjual Jamu Gendong", "Tukang Jamu", "Tukang Bakso", "Tukang Bakso Keliling",
        "Tukang Roti Keliling", "Tukang Es Keliling", "Tukang Sate", "Tukang Bubur", "Tukang Cilok",
        "Penjaja Makanan", "Pedagang Gerobak Keliling",
    )),
    _spec("pkl", gettext_noop("Street vendor (kaki lima)"), GROUP_TRADE, 230, (
        "Pedagang Kaki Lima", "PKL", "Pedagang K5", "Pedagang Kaki 5", "Angkringan",
        "Pedagang Angkringan", "Pedagang Lesehan", "Warung Tenda", "Pedagang PKL",
    )),
    _spec("umkm", gettext_noop("Micro or small business / small trader"), GROUP_TRADE, 240, (
        "UMKM", "UKM", "Pelaku UMKM", "Pelaku Usaha Mikro", "Usaha Mikro", "Usaha Kecil",
        "Pedagang", "Dagang", "Berdagang", "Pedagang Kecil", "Pedagang Pasar", "Bakul Pasar",
        "Pedagang Kelontong", "Warung", "Warung Makan", "Pemilik Warung", "Toko Kelontong",
        "Pedagang Online", "Penjual Online", "Usaha Rumahan", "Home Industri", "IKM",
        "Pedagang Sembako", "Penjual", "Jualan", "Bakul",
    )),
    _spec("tukang_pijat", gettext_noop("Masseur, incl. blind masseurs"), GROUP_TRADE, 250, (
        "Tukang Pijat", "Tkg Pijat", "Tukang Pijet", "Tukang Pijat Tunanetra", "Pemijat",
        "Pemijat Tunanetra", "Pijat Tunanetra", "Tukang Urut", "Dukun Urut", "Terapis Pijat",
        "Pijat Refleksi", "Tukang Pijat Disabilitas", "Pijat", "Masseur",
    )),
    _spec("penjahit", gettext_noop("Tailor / seamstress"), GROUP_TRADE, 260, (
        "Penjahit", "Tukang Jahit", "Tkg Jahit", "Penjahit Rumahan", "Jahit", "Tukang Obras",
        "Obras", "Permak", "Tukang Permak", "Permak Jeans", "Buruh Jahit", "Buruh Konveksi",
        "Konveksi",
    )),
    _spec("tukang_cukur", gettext_noop("Barber / hairdresser"), GROUP_TRADE, 270, (
        "Tukang Cukur", "Tkg Cukur", "Pangkas Rambut", "Tukang Pangkas", "Tukang Pangkas Rambut",
        "Barber", "Barbershop", "Tukang Potong Rambut", "Pemangkas Rambut", "Penata Rambut",
        "Salon",
    )),
    _spec("tukang_servis", gettext_noop("Repairer (mechanic, tyres, shoes)"), GROUP_TRADE, 280, (
        "Tukang Servis", "Montir", "Mekanik", "Bengkel", "Tukang Bengkel", "Tambal Ban",
        "Tukang Tambal Ban", "Tukang Las", "Tukang Listrik", "Servis Elektronik",
        "Tukang Sol Sepatu", "Sol Sepatu", "Tukang Kunci", "Teknisi", "Tukang Reparasi",
        "Servis HP", "Tukang Jam", "Pandai Besi", "Tukang Las/Pandai Besi",
    )),
    _spec("asisten_rumah_tangga", gettext_noop("Domestic worker"), GROUP_TRADE, 290, (
        "Asisten Rumah Tangga", "ART", "PRT", "Pembantu Rumah Tangga", "Pembantu",
        "Pekerja Rumah Tangga", "Buruh Rumah Tangga", "Pramuwisma", "Babysitter", "Pengasuh Anak",
        "Pengasuh Bayi", "Pengasuh Lansia", "Buruh Cuci", "Tukang Cuci", "Buruh Cuci Gosok",
        "Tukang Setrika", "Cuci Setrika", "Tukang Kebun", "Rewang", "Asisten RT", "Pembantu RT",
    )),
    _spec("petugas_kebersihan", gettext_noop("Street sweeper / waste collector"),
          GROUP_TRADE, 300, (
        "Petugas Kebersihan", "Tenaga Kebersihan", "Tenaga Kebersihan DLH", "Petugas DLH",
        "Pasukan Kuning", "Pasukan Oranye", "PPSU", "Penyapu Jalan", "Tukang Sapu", "Tukang Sampah",
        "Pengangkut Sampah", "Petugas Sampah", "Petugas Kebersihan Pasar", "Cleaning Service",
        "Petugas Pertamanan", "Petugas Taman", "Sopir Truk Sampah", "Pembersih Jalan",
    )),
    _spec("pemulung", gettext_noop("Waste picker"), GROUP_TRADE, 310, (
        "Pemulung", "Pemulung Sampah", "Tukang Rongsok", "Pencari Rongsok", "Rongsok", "Rongsokan",
        "Pengumpul Barang Bekas", "Pemilah Sampah", "Tukang Rosok", "Pemulung TPA",
    )),
    _spec("perajin", gettext_noop("Craft or home-based industry worker"), GROUP_TRADE, 320, (
        "Perajin", "Pengrajin", "Pengrajin Batik", "Perajin Batik", "Pembatik", "Buruh Batik",
        "Tukang Batik", "Buruh Cap Batik", "Perajin Anyaman", "Pengrajin Anyaman",
        "Perajin Gerabah", "Penenun", "Pengrajin Tenun", "Pengukir", "Pekerja Rumahan",
        "Pengrajin Bambu",
    )),
    # Pertanian & perikanan ------------------------------------------------------------------------
    _spec("petani", gettext_noop("Farmer"), GROUP_FARMING, 400, (
        "Petani", "Petani/Pekebun", "Pekebun", "Tani", "Bertani", "Petani Padi", "Petani Sawah",
        "Petani Penggarap", "Penggarap Sawah", "Petani Sayur", "Petani Jagung", "Petani Kopi",
        "Petani Karet", "Petani Sawit", "Petani Cengkeh", "Petani Hortikultura",
        "Anggota Kelompok Tani", "Petani Peternak", "Pekebun Kopi", "Peladang",
    )),
    _spec("petani_tembakau", gettext_noop("Tobacco farmer"), GROUP_FARMING, 410, (
        "Petani Tembakau", "Petani Mbako", "Pekebun Tembakau", "Petani Tembakau Rakyat",
        "Penanam Tembakau",
    )),
    _spec("buruh_tani", gettext_noop("Farm labourer"), GROUP_FARMING, 420, (
        "Buruh Tani", "Buruh Tani/Perkebunan", "Buruh Perkebunan", "Buruh Kebun", "Buruh Sawah",
        "Buruh Tandur", "Buruh Tanam", "Buruh Panen", "Buruh Derep", "Buruh Macul", "Derep",
        "Tandur", "Buruh Tebang Tebu", "Penebang Tebu", "Buruh Petik", "Buruh Tani Harian",
        "Pekerja Tani", "Buruh Sawit", "Buruh Perkebunan Sawit", "Pemetik Teh", "Pemetik Kopi",
        "Buruh Harian Lepas Pertanian",
    )),
    _spec("buruh_tani_tembakau", gettext_noop("Tobacco farm labourer"), GROUP_FARMING, 430, (
        "Buruh Tani Tembakau", "Buruh Tembakau", "Buruh Rajang Tembakau", "Perajang Tembakau",
        "Buruh Petik Tembakau", "Buruh Mbako", "Buruh Gudang Tembakau", "Buruh Sujen Tembakau",
    )),
    _spec("penderes", gettext_noop("Tapper (palm sap, rubber, resin)"), GROUP_FARMING, 440, (
        "Penderes", "Penderes Nira", "Penderes Kelapa", "Penyadap Nira", "Penyadap Karet",
        "Penyadap Getah Pinus", "Penyadap Aren", "Pengambil Nira", "Deres",
    )),
    _spec("peternak", gettext_noop("Livestock keeper"), GROUP_FARMING, 450, (
        "Peternak", "Peternak Sapi", "Peternak Kambing", "Peternak Ayam", "Peternak Bebek",
        "Peternak Itik", "Peternak Domba", "Peternak Lebah", "Angon", "Penggembala",
        "Pengangon Bebek", "Buruh Ternak", "Buruh Peternakan", "Ternak",
    )),
    _spec("nelayan", gettext_noop("Fisher"), GROUP_FARMING, 460, (
        "Nelayan", "Nelayan/Perikanan", "Nelayan Tangkap", "Nelayan Kecil", "Nelayan Tradisional",
        "Buruh Nelayan", "Nelayan Buruh", "Buruh Nelayan/Perikanan", "ABK Kapal Ikan",
        "Anak Buah Kapal Ikan", "Pencari Ikan", "Pencari Kerang", "Nelayan Pancing", "Melaut",
    )),
    _spec("pembudidaya_ikan", gettext_noop("Fish farmer"), GROUP_FARMING, 470, (
        "Pembudidaya Ikan", "Pembudi Daya Ikan", "Budidaya Ikan", "Petambak", "Petambak Udang",
        "Petani Tambak", "Buruh Tambak", "Petani Ikan", "Peternak Ikan", "Peternak Lele",
        "Pembudidaya Rumput Laut", "Petani Rumput Laut", "Keramba", "Petani Keramba",
    )),
    _spec("petambak_garam", gettext_noop("Salt farmer"), GROUP_FARMING, 480, (
        "Petambak Garam", "Petani Garam", "Buruh Garam", "Pegaram", "Buruh Tambak Garam",
        "Pembuat Garam",
    )),
    # Buruh ----------------------------------------------------------------------------------------
    _spec("buruh_harian_lepas", gettext_noop("Casual day labourer"), GROUP_LABOUR, 500, (
        "Buruh Harian Lepas", "BHL", "Buruh Lepas", "Buruh Harian", "Buruh Serabutan", "Serabutan",
        "Kerja Serabutan", "Pekerja Serabutan", "Pekerja Harian Lepas", "Tenaga Harian Lepas",
        "Buruh", "Kuli", "Kuli Serabutan", "Buruh Kasar", "Pekerja Lepas", "Freelance",
    )),
    _spec("kuli_bangunan", gettext_noop("Construction labourer"), GROUP_LABOUR, 510, (
        "Kuli Bangunan", "Tukang Bangunan", "Tkg Bangunan", "Buruh Bangunan", "Pekerja Bangunan",
        "Tukang Batu", "Tukang Kayu", "Kenek Bangunan", "Kenek Tukang", "Laden", "Kuli Proyek",
        "Buruh Proyek", "Tukang Cat", "Tukang Cor", "Buruh Konstruksi", "Pekerja Konstruksi",
    )),
    _spec("kuli_panggul", gettext_noop("Porter"), GROUP_LABOUR, 520, (
        "Kuli Panggul", "Buruh Panggul", "Tukang Panggul", "Kuli Angkut", "Buruh Angkut",
        "Buruh Gendong", "Kuli Pasar", "Buruh Pasar", "Porter", "Kuli Pelabuhan",
        "Buruh Bongkar Muat", "TKBM", "Kuli Barang", "Tukang Pikul", "Manol",
    )),
    _spec("buruh_pabrik_rokok", gettext_noop("Cigarette factory worker"), GROUP_LABOUR, 530, (
        "Buruh Pabrik Rokok", "Buruh Rokok", "Karyawan Pabrik Rokok", "Pekerja Pabrik Rokok",
        "Buruh Linting", "Pelinting Rokok", "Buruh Linting Rokok", "Buruh SKT",
        "Buruh Giling Rokok", "Buruh Batil", "Buruh MPS",
    )),
    # Keagamaan & sosial ---------------------------------------------------------------------------
    _spec("marbot", gettext_noop("Mosque caretaker (marbot, takmir) and house-of-worship keeper"),
          GROUP_RELIGIOUS, 600, (
        "Marbot", "Marbot Masjid", "Marbot Musholla", "Marbot Mushola", "Marbot Langgar", "Marbut",
        "Merbot", "Takmir", "Takmir Masjid", "Ta'mir Masjid", "Penjaga Masjid", "Pengurus Masjid",
        "Pengurus Musholla", "DKM", "Pengurus DKM", "Muadzin", "Muazin", "Bilal", "Imam Masjid",
        "Imam Musholla", "Koster", "Penjaga Gereja", "Penjaga Pura", "Penjaga Vihara",
        "Penjaga Klenteng",
    )),
    _spec("lebe_modin", gettext_noop("Village religious official (lebe, modin, amil)"),
          GROUP_RELIGIOUS, 610, (
        "Lebe", "Lebe Non PNS", "Lebe Desa", "Lebe Kelurahan", "Modin", "Modin Desa", "Amil",
        "Amil Desa", "Kayim", "P3N", "Pembantu Pegawai Pencatat Nikah", "Pembantu Penghulu",
        "Petugas Keagamaan Desa",
    )),
    _spec("penggali_kubur", gettext_noop("Gravedigger / cemetery keeper"), GROUP_RELIGIOUS, 620, (
        "Penggali Kubur", "Penggali Makam", "Penggali Kuburan", "Tukang Gali Kubur", "Tukang Kubur",
        "Penjaga Makam", "Juru Kunci Makam", "Kuncen Makam", "Penjaga Kuburan", "Petugas Makam",
        "Petugas Pemakaman", "Pengurus Makam", "Penjaga TPU", "Juru Kunci",
    )),
    _spec("pemulasara_jenazah", gettext_noop("Funeral body-washer"), GROUP_RELIGIOUS, 630, (
        "Pemulasara Jenazah", "Pemandi Jenazah", "Perawat Jenazah", "Pengurus Jenazah",
        "Tim Rukti Jenazah", "Petugas Pemulasaraan Jenazah", "Pemulasaraan Jenazah",
    )),
    _spec("guru_informal", gettext_noop("Informal teacher (Quran, madrasah diniyah, PAUD)"),
          GROUP_RELIGIOUS, 640, (
        "Guru Ngaji", "Guru Mengaji", "Ustadz", "Ustadzah", "Guru TPQ", "Guru TPA", "Ustadz TPQ",
        "Pengajar TPQ", "Guru Madin", "Guru Madrasah Diniyah", "Guru Diniyah", "Guru PAUD",
        "Pendidik PAUD", "Tutor PAUD", "Tutor PKBM", "Guru Les", "Guru Privat", "Guru Informal",
        "Guru Non Formal", "Guru TK", "Guru Al Quran", "Ngaji",
    )),
    _spec("relawan_sosial", gettext_noop("Social or disaster volunteer"), GROUP_RELIGIOUS, 650, (
        "Relawan", "Relawan Sosial", "Relawan Bencana", "Relawan BPBD", "Tagana",
        "Pekerja Sosial Masyarakat", "PSM", "TKSK", "Relawan Destana", "Relawan Damkar", "Tim SAR",
        "Relawan Desa Tangguh Bencana", "Sukarelawan",
    )),
    # Lainnya --------------------------------------------------------------------------------------
    _spec("pegawai_non_asn", gettext_noop("Non-civil-servant government worker"),
          GROUP_OTHER, 900, (
        "Pegawai Non ASN", "Non ASN", "Non PNS", "Honorer", "Tenaga Honorer", "Pegawai Honorer",
        "Karyawan Honorer", "Guru Honorer", "Tenaga Kontrak", "Pegawai Kontrak", "THL",
        "Pegawai Tidak Tetap", "PTT", "Tenaga Kerja Kontrak", "TKK", "Tenaga Harian Lepas Dinas",
        "Penjaga Sekolah",
    )),
    _spec("pekerja_seni", gettext_noop("Artist / performer"), GROUP_OTHER, 910, (
        "Seniman", "Pekerja Seni", "Dalang", "Sinden", "Pesinden", "Penari", "Pengrawit", "Niyaga",
        "Pengamen", "Musisi", "Musisi Jalanan", "Pemain Musik", "Penyanyi", "Pelawak",
        "Seniman Tradisional", "Penabuh Gamelan", "Pemain Kuda Lumping",
    )),
)
# fmt: on

CATEGORY_BY_CODE: dict[str, CategorySpec] = {c.code: c for c in TAXONOMY}
TRANSPORT_CODES: frozenset[str] = frozenset(c.code for c in TAXONOMY if c.is_transport)

# Texts that are deliberately left unclassified: people who are not pekerja rentan (ASN,
# TNI/Polri, formal employees, students, pensioners, housewives) and words that say too little
# to pick a category (wiraswasta, swasta, guru, sector names from the KTP list). A kab/kota that
# knows what its lists mean by one of them adds a local synonym, which wins.
# fmt: off
EXCLUDED: tuple[str, ...] = (
    "PNS", "ASN", "Pegawai Negeri Sipil", "PPPK", "P3K", "TNI", "Polri", "Polisi", "Tentara",
    "Kepolisian RI", "Tentara Nasional Indonesia", "Pensiunan", "Purnawirawan", "Pelajar",
    "Mahasiswa", "Pelajar/Mahasiswa", "Siswa", "Santri", "Ibu Rumah Tangga", "IRT",
    "Mengurus Rumah Tangga", "Rumah Tangga", "Belum/Tidak Bekerja", "Belum Bekerja",
    "Tidak Bekerja", "Tidak Ada", "Pengangguran", "Lainnya", "Lain-lain", "Wiraswasta", "Wirausaha",
    "Swasta", "Pengusaha", "Pekerja Mandiri", "Karyawan", "Karyawan Swasta", "Pegawai Swasta",
    "Karyawan BUMN", "Karyawan BUMD", "Buruh Pabrik", "Karyawan Pabrik", "Perangkat Desa",
    "Kepala Desa", "Sekretaris Desa", "Kepala Dusun", "Lurah", "Guru", "Dokter", "Bidan", "Perawat",
    "Dosen", "Anggota DPRD", "Transportasi", "Industri", "Konstruksi", "Perdagangan", "Jasa",
    "Pertanian", "Tunanetra", "Disabilitas",
)
# fmt: on

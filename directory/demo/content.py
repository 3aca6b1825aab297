"""The demo's hand-written content: shared facilities and news items (all fictional)."""

from __future__ import annotations

from directory.choices import FacilityAccess

# (host institution, name, techniques, access, description)
FACILITIES: list[tuple[str, str, str, str, str]] = [
    (
        "Demo Battery Research Centre",
        "HAXPES instrument",
        "HAXPES; XPS; depth profiling; air-free transfer",
        FacilityAccess.OPEN,
        "Hard X-ray photoelectron spectroscopy for buried electrode-electrolyte interfaces, "
        "with an inert-atmosphere transfer from the glovebox.",
    ),
    (
        "Northfield University (fictional)",
        "Plasma FIB-SEM",
        "plasma FIB-SEM; EDS; EBSD; 3D tomography; cryo stage",
        FacilityAccess.COLLABORATION,
        "Xenon plasma focused ion beam for large-volume cross-sections of electrodes and cells.",
    ),
    (
        "Instituto Demo de Litio",
        "Pilot-scale DLE rig",
        "direct lithium extraction; ion exchange; brine pretreatment; nanofiltration",
        FacilityAccess.COLLABORATION,
        "Planta piloto de extracción directa de litio que procesa hasta 2 m³ de salmuera al día.",
    ),
    (
        "Centro Demo de Reciclagem de Baterias",
        "Hydrometallurgy pilot plant",
        "black mass processing; leaching; solvent extraction; precipitation",
        FacilityAccess.COLLABORATION,
        "Planta piloto de reciclagem hidrometalúrgica, da massa negra ao sulfato de níquel.",
    ),
    (
        "Kingsbridge Institute of Technology (fictional)",
        "Pouch-cell pilot line",
        "electrode coating; calendering; pouch cell assembly; formation",
        FacilityAccess.OPEN,
        "Dry-room pilot line for multi-layer pouch cells up to 10 Ah.",
    ),
    (
        "Universidad Ficticia de Antofagasta",
        "Laboratorio de análisis de salmueras",
        "ICP-OES; ion chromatography; brine sampling",
        FacilityAccess.OPEN,
        "Análisis químico de salmueras y aguas del Salar de Atacama.",
    ),
    (
        "Instituto Demo de Energías de Monterrey",
        "Battery cycling and abuse-testing lab",
        "cycling; EIS; thermal runaway; nail penetration",
        FacilityAccess.INTERNAL,
        "Sixty-four channel cycler and an abuse-testing bunker.",
    ),
]

# (days ago, title, summary, body paragraphs, topic slugs, banner index)
NEWS: list[tuple[int, str, str, list[str], list[str], int]] = [
    (
        3,
        "Visiting fellowships between UK and Latin American battery labs",
        "Twelve three-month fellowships for early-career researchers, in both directions.",
        [
            "The network opens its first call for visiting fellowships: twelve three-month "
            "stays for doctoral and early-career researchers moving between the UK and "
            "Argentina, Bolivia, Brazil, Chile, Colombia, Mexico and Peru.",
            "Las solicitudes pueden presentarse en inglés, español o portugués.",
        ],
        ["direct-lithium-extraction", "recycling-and-circular-supply-chains"],
        0,
    ),
    (
        10,
        "Field school at the Salar de Uyuni: brines, DLE and water",
        "A week on the salt flat with hydrogeologists, chemists and local communities.",
        [
            "Twenty doctoral researchers will spend a week at the Salar de Uyuni learning how "
            "brines are sampled, how direct lithium extraction rigs are run and how water "
            "balances are negotiated with the communities who live there.",
            "Una semana en el salar con hidrogeólogos, químicos y comunidades locales.",
        ],
        ["direct-lithium-extraction", "esg-sustainability-and-policy"],
        1,
    ),
    (
        17,
        "Nuevo laboratorio de reciclaje hidrometalúrgico en Antofagasta",
        "A new (fictional) hydrometallurgy lab recovers nickel and cobalt from black mass.",
        [
            "La Universidad Ficticia de Antofagasta inaugura un laboratorio de reciclaje "
            "hidrometalúrgico para recuperar níquel, cobalto y litio de la masa negra.",
            "The lab welcomes visiting researchers from the UK from next term.",
        ],
        ["recycling-and-circular-supply-chains"],
        2,
    ),
    (
        24,
        "Sodium-ion workshop in São Carlos",
        "Materiais, células e mercado: two days on sodium-ion batteries.",
        [
            "Two days of talks and lab visits on hard carbon anodes, layered oxide cathodes "
            "and the market case for sodium-ion cells in Latin America.",
            "Inscrições abertas para estudantes de doutorado.",
        ],
        ["sodium-ion-and-next-generation-chemistries", "anode-materials"],
        3,
    ),
    (
        31,
        "Open access to a HAXPES instrument for network members",
        "Beamtime-style access to hard X-ray photoelectron spectroscopy, free for members.",
        [
            "The Demo Battery Research Centre offers network members free access to its "
            "HAXPES instrument for studies of buried interfaces in NMC811 and LFP electrodes.",
        ],
        ["characterisation", "cam"],
        0,
    ),
    (
        38,
        "Black mass to pCAM: pilot results from a fictional consortium",
        "Recycled nickel and cobalt made into precursor cathode material at pilot scale.",
        [
            "Partners in Brazil and the UK report the first pilot-scale batch of pCAM made "
            "entirely from recycled black mass.",
        ],
        ["recycling-and-circular-supply-chains", "pcam"],
        2,
    ),
    (
        45,
        "Webinar series: modelling and testing LFP and NMC811 cells",
        "Six webinars on degradation models, state of health and cell testing.",
        [
            "From physics-based models to field data from electric buses: a monthly webinar "
            "series in English with Spanish and Portuguese subtitles.",
        ],
        ["battery-management-modelling-and-testing"],
        3,
    ),
    (
        52,
        "Second-life batteries for rural microgrids in Peru",
        "Baterías de segunda vida para microrredes rurales en los Andes.",
        [
            "A pilot in the Peruvian Andes (fictional) powers a school and a health post with "
            "repurposed electric-vehicle modules.",
        ],
        ["second-life"],
        1,
    ),
    (
        59,
        "ESG reporting for lithium supply chains: a policy roundtable",
        "Researchers, regulators and communities on water, consent and traceability.",
        [
            "A roundtable on how lithium producers in the lithium triangle report water use "
            "and community consent, and what UK buyers ask of them.",
        ],
        ["esg-sustainability-and-policy", "lithium-refining-and-chemicals"],
        0,
    ),
    (
        66,
        "Doctoral network meeting in Medellín",
        "Encuentro de la red doctoral: pósters, charlas relámpago y mentorías.",
        [
            "Ochenta estudiantes de doctorado del Reino Unido y América Latina se reúnen en "
            "Medellín para presentar su trabajo y conocer a sus futuros mentores.",
        ],
        ["cell-design-manufacturing-and-scale-up", "electrolytes-and-solid-state-batteries"],
        3,
    ),
]

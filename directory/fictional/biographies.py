"""Fictional biographies in English, Spanish and Brazilian Portuguese, sentence by sentence.

Each entry is one sentence in the three languages (en, es, pt), saying the same
thing in each: a researcher's biography is written in their own language, and
some also give it in the site's other languages (`bio_es`, `bio_pt`), exactly as
a real profile would. Slots ({technique}, {metal}, …) are filled with the same
pick in every language, translated where a term is translated (`ALIGNED_SLOTS`).
"""

from __future__ import annotations

from collections.abc import Sequence

Sentence = tuple[str, str, str]  # en, es, pt
#: Order of the languages in a `Sentence`, as the generator names them.
SENTENCE_LANGUAGES = ("en", "es", "pt")

#: Slots whose words change with the language; each value is (en, es, pt).
ALIGNED_SLOTS: dict[str, Sequence[Sentence]] = {
    "technique": (
        ("HAXPES", "HAXPES", "HAXPES"),
        ("XPS", "XPS", "XPS"),
        ("operando XRD", "DRX operando", "DRX operando"),
        ("plasma FIB-SEM", "FIB-SEM de plasma", "FIB-SEM de plasma"),
        ("solid-state NMR", "RMN de estado sólido", "RMN de estado sólido"),
        ("impedance spectroscopy", "espectroscopía de impedancia", "espectroscopia de impedância"),
        ("cryo-TEM", "crio-TEM", "crio-TEM"),
        ("Raman spectroscopy", "espectroscopía Raman", "espectroscopia Raman"),
    ),
    "anode": (
        ("silicon-graphite", "silicio-grafito", "silício-grafite"),
        ("hard carbon", "carbono duro", "carbono duro"),
        ("lithium metal", "litio metálico", "lítio metálico"),
        ("natural graphite", "grafito natural", "grafite natural"),
    ),
    "electrolyte": (
        (
            "sulfide solid electrolytes",
            "electrolitos sólidos de sulfuro",
            "eletrólitos sólidos de sulfeto",
        ),
        (
            "garnet LLZO electrolytes",
            "electrolitos LLZO tipo granate",
            "eletrólitos LLZO do tipo granada",
        ),
        ("polymer electrolytes", "electrolitos poliméricos", "eletrólitos poliméricos"),
        (
            "high-concentration electrolytes",
            "electrolitos de alta concentración",
            "eletrólitos de alta concentração",
        ),
    ),
    "metal": (
        ("lithium", "litio", "lítio"),
        ("nickel", "níquel", "níquel"),
        ("cobalt", "cobalto", "cobalto"),
        ("manganese", "manganeso", "manganês"),
    ),
}

#: What a researcher works on, per topic slug (directory/migrations/0002).
SENTENCES: dict[str, Sequence[Sentence]] = {
    "direct-lithium-extraction": (
        (
            "Works on direct lithium extraction (DLE) from {salar} brines with ion-exchange "
            "sorbents.",
            "Trabaja en la extracción directa de litio (DLE) a partir de salmueras del {salar} "
            "con sorbentes de intercambio iónico.",
            "Trabalha com extração direta de lítio (DLE) de salmouras do {salar} usando "
            "sorventes de troca iônica.",
        ),
        (
            "Studies how DLE can cut the water footprint of lithium production in the {salar}.",
            "Estudia cómo la DLE puede reducir la huella hídrica de la producción de litio en "
            "el {salar}.",
            "Estuda como a DLE pode reduzir a pegada hídrica da produção de lítio no {salar}.",
        ),
        (
            "Develops sorbents that recover lithium from brines rich in magnesium.",
            "Desarrolla sorbentes que recuperan litio de salmueras con alto contenido de magnesio.",
            "Desenvolve sorventes que recuperam lítio de salmouras ricas em magnésio.",
        ),
    ),
    "lithium-refining-and-chemicals": (
        (
            "Develops low-carbon routes from brine concentrate to battery-grade lithium hydroxide.",
            "Desarrolla rutas de bajas emisiones para obtener hidróxido de litio grado batería a "
            "partir de concentrado de salmuera.",
            "Desenvolve rotas de baixo carbono para chegar ao hidróxido de lítio grau bateria a "
            "partir de concentrado de salmoura.",
        ),
        (
            "Optimises the crystallisation of battery-grade lithium carbonate from {salar} brines.",
            "Optimiza la cristalización de carbonato de litio grado batería a partir de "
            "salmueras del {salar}.",
            "Otimiza a cristalização de carbonato de lítio grau bateria a partir de salmouras "
            "do {salar}.",
        ),
    ),
    "pcam": (
        (
            "Designs co-precipitation processes for {cathode} precursor cathode active materials.",
            "Diseña procesos de coprecipitación para precursores de materiales activos de "
            "cátodo {cathode}.",
            "Projeta processos de coprecipitação para precursores de materiais ativos de "
            "cátodo {cathode}.",
        ),
    ),
    "cam": (
        (
            "Investigates the degradation of {cathode} cathodes at high voltage using {technique}.",
            "Investiga la degradación de cátodos {cathode} a alto voltaje mediante {technique}.",
            "Investiga a degradação de cátodos {cathode} em alta tensão por meio de {technique}.",
        ),
        (
            "Develops cobalt-free cathode chemistries for affordable electric vehicles.",
            "Desarrolla químicas de cátodo sin cobalto para vehículos eléctricos asequibles.",
            "Desenvolve químicas de cátodo sem cobalto para veículos elétricos mais acessíveis.",
        ),
    ),
    "anode-materials": (
        (
            "Works on {anode} anodes and the stability of the solid electrolyte interphase (SEI).",
            "Trabaja en ánodos de {anode} y en la estabilidad de la interfase de electrolito "
            "sólido (SEI).",
            "Trabalha com ânodos de {anode} e com a estabilidade da interface de eletrólito "
            "sólido (SEI).",
        ),
        (
            "Turns local raw materials into {anode} anodes for fast-charging cells.",
            "Convierte materias primas locales en ánodos de {anode} para celdas de carga rápida.",
            "Transforma matérias-primas locais em ânodos de {anode} para células de carga rápida.",
        ),
    ),
    "electrolytes-and-solid-state-batteries": (
        (
            "Studies {electrolyte} and their interfaces with lithium metal.",
            "Estudia {electrolyte} y sus interfaces con litio metálico.",
            "Estuda {electrolyte} e suas interfaces com lítio metálico.",
        ),
        (
            "Develops {electrolyte} for safer solid-state batteries.",
            "Desarrolla {electrolyte} para baterías de estado sólido más seguras.",
            "Desenvolve {electrolyte} para baterias de estado sólido mais seguras.",
        ),
    ),
    "sodium-ion-and-next-generation-chemistries": (
        (
            "Develops sodium-ion cells with hard carbon anodes and layered oxide cathodes.",
            "Desarrolla celdas de ion-sodio con ánodos de carbono duro y cátodos de óxidos "
            "laminares.",
            "Desenvolve células de íon-sódio com ânodos de carbono duro e cátodos de óxidos "
            "lamelares.",
        ),
        (
            "Builds sodium-ion batteries from abundant, low-cost materials.",
            "Construye baterías de ion-sodio con materiales abundantes y de bajo costo.",
            "Constrói baterias de íon-sódio com materiais abundantes e de baixo custo.",
        ),
    ),
    "cell-design-manufacturing-and-scale-up": (
        (
            "Scales up electrode coating and drying from the lab to pilot pouch-cell lines.",
            "Escala el recubrimiento y el secado de electrodos del laboratorio a líneas piloto "
            "de celdas tipo pouch.",
            "Leva o revestimento e a secagem de eletrodos do laboratório para linhas-piloto de "
            "células do tipo pouch.",
        ),
        (
            "Works on dry electrode coating for {cathode} cells.",
            "Trabaja en el recubrimiento de electrodos en seco para celdas {cathode}.",
            "Trabalha com revestimento de eletrodos a seco para células {cathode}.",
        ),
    ),
    "battery-management-modelling-and-testing": (
        (
            "Builds physics-based models of {cathode} cells to predict their state of health.",
            "Construye modelos físicos de celdas {cathode} para predecir su estado de salud.",
            "Constrói modelos físicos de células {cathode} para prever seu estado de saúde.",
        ),
        (
            "Develops degradation models and battery management systems (BMS).",
            "Desarrolla modelos de degradación y sistemas de gestión de baterías (BMS).",
            "Desenvolve modelos de degradação e sistemas de gerenciamento de baterias (BMS).",
        ),
    ),
    "characterisation": (
        (
            "Uses {technique} to follow interfaces in working cells.",
            "Utiliza {technique} para seguir las interfaces de celdas en funcionamiento.",
            "Utiliza {technique} para acompanhar as interfaces de células em funcionamento.",
        ),
    ),
    "recycling-and-circular-supply-chains": (
        (
            "Recovers {metal} from black mass by hydrometallurgy and selective leaching.",
            "Recupera {metal} de la masa negra mediante hidrometalurgia y lixiviación selectiva.",
            "Recupera {metal} da massa negra por hidrometalurgia e lixiviação seletiva.",
        ),
        (
            "Designs circular supply chains for end-of-life electric-vehicle batteries.",
            "Diseña cadenas de suministro circulares para baterías de vehículos eléctricos al "
            "final de su vida útil.",
            "Projeta cadeias de suprimento circulares para baterias de veículos elétricos em "
            "fim de vida.",
        ),
        (
            "Works on the recycling of lithium-ion batteries in Latin America.",
            "Trabaja en el reciclaje de baterías de ion-litio en América Latina.",
            "Trabalha com a reciclagem de baterias de íons de lítio na América Latina.",
        ),
    ),
    "second-life": (
        (
            "Repurposes retired electric-vehicle batteries for rural microgrids.",
            "Reutiliza baterías retiradas de vehículos eléctricos en microrredes rurales.",
            "Reaproveita baterias aposentadas de veículos elétricos em microrredes rurais.",
        ),
        (
            "Assesses second-life batteries for stationary storage in the Andes.",
            "Evalúa baterías de segunda vida para almacenamiento estacionario en los Andes.",
            "Avalia baterias de segunda vida para armazenamento estacionário nos Andes.",
        ),
    ),
    "esg-sustainability-and-policy": (
        (
            "Assesses the life-cycle impacts of lithium supply chains and community consent "
            "around the {salar}.",
            "Evalúa los impactos de ciclo de vida de las cadenas de suministro de litio y el "
            "consentimiento de las comunidades en torno al {salar}.",
            "Avalia os impactos de ciclo de vida das cadeias de suprimento de lítio e o "
            "consentimento das comunidades no entorno do {salar}.",
        ),
        (
            "Analyses lithium governance and water use in communities near the {salar}.",
            "Analiza la gobernanza del litio y el uso del agua en las comunidades cercanas al "
            "{salar}.",
            "Analisa a governança do lítio e o uso da água nas comunidades próximas ao {salar}.",
        ),
        (
            "Studies public policy for battery value chains in Latin America.",
            "Estudia políticas públicas para las cadenas de valor de baterías en América Latina.",
            "Estuda políticas públicas para as cadeias de valor de baterias na América Latina.",
        ),
    ),
}

#: A closing sentence on working together, by where the researcher works.
COLLABORATION: dict[str, Sequence[Sentence]] = {
    "GB": (
        (
            "Keen to host visiting researchers from Latin America.",
            "Le interesa recibir a investigadores visitantes de América Latina.",
            "Tem interesse em receber pesquisadores visitantes da América Latina.",
        ),
        (
            "Interested in joint PhD projects between the UK and Latin America.",
            "Busca proyectos de doctorado conjuntos entre el Reino Unido y América Latina.",
            "Busca projetos de doutorado conjuntos entre o Reino Unido e a América Latina.",
        ),
        (
            "Happy to share cell-testing capacity with network members.",
            "Comparte con gusto su capacidad de ensayo de celdas con los miembros de la red.",
            "Compartilha com prazer sua capacidade de testes de células com os membros da rede.",
        ),
    ),
    "LA": (
        (
            "Looking for collaborations with groups in the UK.",
            "Busca colaboraciones con grupos del Reino Unido.",
            "Busca colaborações com grupos do Reino Unido.",
        ),
        (
            "Hosts doctoral students for research stays.",
            "Recibe a estudiantes de doctorado para estancias de investigación.",
            "Recebe estudantes de doutorado para estágios de pesquisa.",
        ),
        (
            "Happy to share cell-testing capacity with network members.",
            "Comparte con gusto su capacidad de ensayo de celdas con los miembros de la red.",
            "Compartilha com prazer sua capacidade de testes de células com os membros da rede.",
        ),
    ),
}


def as_html(sentences: Sequence[str]) -> str:
    """One paragraph per sentence, as the rich-text biography stores it."""
    return "".join(f"<p>{sentence}</p>" for sentence in sentences)

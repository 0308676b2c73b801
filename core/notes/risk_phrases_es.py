"""Spanish risk phrases, by construct, as clients in Spain and Latin America say them
("ojalá no me despertara", "quitarme de en medio", "me quemaba con el cigarro",
"revisa mi móvil"). Same conventions as ``core.notes.risk_phrases``; negation and time
cues for Spanish ("nunca", "hace años", "de chavo") are in ``core.notes.risk_lexicon``.
"""

from collections.abc import Callable

from core.notes.risk_lexicon import Phrase, RiskCategory, Subject, compile_phrases

_PASTILLAS = r"(?:pastillas|las de dormir|medicinas|medicación|medicamentos|calmantes|somníferos)"


def _frases(
    construct: str, category: RiskCategory, subject: Subject = "any", negation_inside: bool = False
) -> Callable[..., Phrase]:
    return lambda *phrases: Phrase(
        category, compile_phrases(*phrases), subject, negation_inside, construct, "es"
    )


PHRASES: tuple[Phrase, ...] = (
    _frases("wish_to_be_dead", "suicidal_ideation", negation_inside=True)(
        r"ojalá no (?:me )?despert(?:ara|ase|ar|arme)",
        r"(?:dormirme|dormir|quedarme dormid[oa]) y (?:ya )?no (?:volver a )?despertar(?:me)?",
        r"no (?:quiero|quisiera|querría|tengo ganas de) (?:despertar(?:me)?|vivir|seguir "
        r"(?:viviendo|aquí|adelante)|estar aquí|existir)",
        r"(?:ya )?no (?:le )?(?:encuentro|veo) (?:sentido|razón) (?:a (?:la vida|vivir|nada)|"
        r"para vivir)",
        r"no vale la pena (?:vivir|seguir)",
        r"no despertar(?:me)?(?=[.,;!]|$| más| nunca| nunca más)",
    ),
    _frases("wish_to_be_dead", "suicidal_ideation")(
        r"(?:me quiero|quiero|quisiera) morir(?:me)?|ganas de morir(?:me)?",
        r"ojalá (?:me muriera|me muera|estuviera muert[oa]|no existiera|desapareciera|no "
        r"hubiera nacido)",
        r"(?:estarían|estaríais|estaría|estarán) mejor sin mí|mejor sin mí",
        r"si dios me (?:lleva|llevara|llevase)[\w ,]{0,25}(?:mejor|tranquil[oa]|descanso)|"
        r"que dios me (?:lleve|recoja)",
        r"cansad[oa] de (?:vivir|todo|existir)",
        r"(?:así|que) se acab(?:e|ara|aría) todo",
        r"(?:desaparecer|dormir) para siempre",
    ),
    _frases("active_ideation", "suicidal_ideation")(
        r"quitarme (?:la vida|de en medio)|me quito (?:la vida|de en medio)",
        r"matarme|suicidarme|me mato|me suicido|me voy a matar",
        r"(?:me pego|pegarme|me pegaré|me doy) un tiro",
        r"(?:acabar|terminar) con (?:todo|mi vida|esto)(?: de una vez)?",
        r"tirarme (?:del|de un|desde el|desde un|por el|por la|al|a las vías del) "
        r"(?:puente|edificio|balcón|ventana|tren|metro|vías|azotea)",
        r"(?:pensamientos|ideas) de (?:suicidio|matarme|quitarme la vida|morir)",
        r"(?:pienso|pensado|pensando|pensé) en (?:matarme|suicidarme|quitarme|morirme)",
        r"(?:colgarme|ahorcarme|envenenarme|tirarme (?:a|al|del|por)|aventarme)",
    ),
    _frases("method", "plan_or_means")(
        rf"(?:he pensado|pienso|pensé|pensando) en (?:las|mis|unas|sus) (?:\w+ )?{_PASTILLAS}",
        r"(?:he pensado|pienso|pensé|pensando) en (?:el|un) (?:veneno|puente|tren|arma|pistola)",
    ),
    _frases("intent", "suicidal_ideation")(
        r"(?:lo voy a hacer|voy a hacerlo|lo haré)(?: de verdad| esta vez| pronto)?",
    ),
    _frases("preparatory_acts", "plan_or_means")(
        rf"(?:guardándome|guardando|guardo|he guardado|guardé|escondo|escondiendo|he escondido|"
        rf"escondí|juntando|junto) (?:las |unas |mis )?{_PASTILLAS}",
        r"(?:escribí|he escrito|escribiendo|dejé) (?:una |unas )?cartas? (?:de despedida|para "
        r"mi|a mi|para mis|a mis)",
        r"(?:regalé|he regalado|regalando) (?:mis|todas mis) cosas",
    ),
    _frases("past_attempt", "suicidal_ideation")(
        r"(?:intenté|intento de|traté de) (?:matarme|quitarme la vida|suicidarme|colgarme|"
        r"ahorcarme|envenenarme|tirarme|cortarme las venas)",
    ),
    _frases("nssi", "self_harm")(
        r"me (?:corto|corté|cortaba|he cortado|hago cortes|hacía cortes)|cortarme",
        r"me (?:quemo|quemé|quemaba|he quemado) con (?:el|un|los|mi) (?:cigarro|cigarrillo|"
        r"mechero|encendedor|cuchillo caliente)",
        r"(?:hacerme|me hago|me hice|me he hecho|me hacía) daño",
    ),
    _frases("homicidal_ideation", "violence")(
        r"(?:ganas de|quiero|voy a|pienso|podría) mat(?:arlo|arla|arle|arlos|ar a)",
        r"mat(?:arlo|arla|arle)",
        r"(?:esperarlo|esperarla) (?:cuando|a que|en|al|fuera)",
        r"usarla (?:contra|en) (?:él|ella)",
        r"(?:darle|pegarle) un tiro",
    ),
    _frases("weapon_access", "violence")(
        r"tengo (?:la|una) (?:pistola|escopeta|arma|rifle)",
        r"(?:la|una) (?:pistola|escopeta|arma) (?:guardada|escondida|en mi cuarto|en casa|en "
        r"el cajón)",
    ),
    _frases("abuse_physical", "abuse")(
        r"me (?:agarró|agarra|empujó|empuja|pegó|pega|golpeó|golpea|ahorcó|ahorca|tiró|tira|"
        r"arrastró|arrastra|dio una bofetada|da bofetadas|pateó|patea)",
        r"(?:tengo|me dejó|me deja) (?:el|un|los|unos) (?:moretón|moretones|morado|morados|"
        r"marcas|cardenal|cardenales)",
        r"me ha (?:pegado|golpeado|empujado|agarrado)",
    ),
    _frases("abuse_emotional", "abuse")(
        r"me (?:grita|insulta|humilla|menosprecia|gritaba|insultaba)",
        r"(?:me dice|me llama|dice|me grita) que soy (?:una? )?(?:inútil|tont[oa]|estúpid[oa]|"
        r"nada|gord[oa]|fe[oa]|basura|una mierda|una carga|un estorbo)",
        r"que ni para (?:madre|padre|esposa|nada) sirvo",
        r"(?:nadie|ningún hombre|ninguna mujer) (?:me|te) va a querer",
        r"sin él no soy nada|sin ella no soy nada",
    ),
    _frases("abuse_financial", "abuse")(
        r"mi (?:sueldo|salario|dinero|pensión|paga|nómina) (?:va|se va|van|la cobra|lo cobra)",
        r"me da (?:\w+ )?(?:euros|pesos|dólares) (?:a la|por|cada) semana",
        r"(?:le )?tengo que (?:enseñar|mostrar|dar|pedirle) (?:los tickets|el dinero|los "
        r"recibos|las cuentas)",
        r"(?:se queda|se quedó|tiene|controla) (?:con )?mi (?:sueldo|tarjeta|dinero|pensión|"
        r"cuenta)",
        r"(?:yo )?no veo (?:un|ni un) (?:peso|euro|duro|dólar|centavo)",
        r"me (?:la|lo) quita tod[oa]|me (?:va sacando|saca|sacó|sacaba) (?:dinero )?de (?:la|mi) "
        r"(?:pensión|cuenta|jubilación)|se (?:ha llevado|llevó) mi (?:cartilla|tarjeta|libreta)",
        r"(?:le )?tengo que pedir(?:le)? (?:dinero|plata|permiso)",
    ),
    _frases("coercive_control", "abuse")(
        r"(?:revisa|mira|lee|controla|revisaba) mi (?:móvil|celular|teléfono|mensajes|whatsapp)",
        r"no me deja (?:ver|salir|trabajar|hablar|ir|tener|usar)",
        r"(?:tiene|se quedó con|me quitó|guarda) mi (?:pasaporte|móvil|celular|documentos|"
        r"tarjeta)",
        r"si (?:lo|la) dejo,? (?:se|me) (?:llevará|va a llevar|quitará|quita|lleva)",
    ),
    _frases("overdose_event", "overdose")(
        r"me tomé (?:toda la caja|todo el frasco|todo el bote|toda la tira|todo el blíster)",
        rf"me tomé (?:todas|todo|un montón de|una caja de|un bote de|un puño de|un puñado de|"
        rf"una tira de|un frasco de) (?:las |los |mis )?(?:\w+ )?(?:{_PASTILLAS}|\w+pam|"
        rf"\w+lam|\w+ina)",
        r"(?:acabé|terminé|me desperté|amanecí|me llevaron) (?:en|a) (?:urgencias|el hospital|"
        r"la uci|la ambulancia|la cruz roja|emergencias|la clínica|la guardia)",
        r"me desperté en (?:urgencias|el hospital|la uci|la ambulancia)",
        r"(?:lavado|lavaron) de estómago|me hicieron un lavado",
    ),
    _frases("intoxication_event", "overdose")(
        r"perdí el conocimiento|me desmayé(?= .*(?:beb|alcohol|vino|drog|baño|suelo))",
        r"sin conocimiento|no reaccionaba",
        r"(?:me puse|estaba|iba) (?:bien |muy )?(?:pedo|borrach[oa]|peda|ciega?o?|pedísim[oa])"
        r"(?= .*(?:manej|conduc|niñ|llev|cami))",
        r"(?:manejé|conduje|maneje) (?:bien |muy )?(?:pedo|borrach[oa]|tomad[oa])",
        r"desperté en (?:el|la|un|una|casa)|me encontraron (?:tirad[oa]|inconsciente|en el|en "
        r"la)|no me acuerdo (?:de nada|cómo llegué|de cómo)",
    ),
    _frases("neglect", "abuse")(
        r"(?:los|las|lo|la) (?:dejé|dejo|dejaba|he dejado) sol(?:o|a|os|as)(?: toda la noche| "
        r"todo el día| en casa)?",
        r"no (?:le|les) (?:doy|di|daba) de comer",
        r"no hay (?:nada de )?(?:comida|nada que comer|luz|calefacción)|sin (?:comida|luz|"
        r"calefacción|medicinas|mis pastillas) (?:desde|hace|toda)|se fue (?:el \w+ )?y no "
        r"(?:ha vuelto|volvió|regresa)|nos dej(?:a|ó|aba) sol[oa]s|no (?:he|hemos) comido "
        r"(?:desde|en)",
    ),
    _frases("abuse_sexual", "abuse")(
        r"me (?:obliga|obligó|obligaba|forzó|fuerza) a (?:tener relaciones|acostarme|hacer "
        r"cosas)",
        r"me hizo cosas(?:,)? (?:cosas )?que (?:yo )?no quería|me (?:violó|violaron|manoseó|"
        r"manoseaba)|me (?:tocó|tocaba|tocaban) (?:las|los|el|la|por|debajo|ahí|mis partes)",
    ),
)

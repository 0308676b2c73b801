"""The cues behind risk detection: idioms, negation and time cues, who is speaking of whom.
The risk phrases themselves are in ``core.notes.risk_phrases`` (English) and
``core.notes.risk_phrases_es`` (Spanish).

Kept apart from ``core.notes.risk`` so that clinicians and reviewers can read and extend
the lists without reading the pipeline. Every phrase is compiled case-insensitive with
word boundaries; an apostrophe written ``'`` in a phrase matches ``'``, ``’`` or nothing
("don't", "don’t", "dont"), so never write ``'`` inside a character class or lookbehind.
Pure data and stdlib ``re``; no state.
"""

import re
from dataclasses import dataclass
from typing import Literal

RiskCategory = Literal[
    "suicidal_ideation", "plan_or_means", "self_harm", "violence", "abuse", "overdose"
]
# Which grammatical subject, nearest before a phrase, rules it out:
# "any": none; "self": a third party or "you" ("my friend cuts herself");
# "agent" (someone does it to the client): "I", "it", "this" or "you" ("it hurts me").
Subject = Literal["any", "self", "agent"]


def compile_phrases(*phrases: str) -> re.Pattern[str]:
    """One case-insensitive pattern matching any of ``phrases`` as whole words."""
    body = "|".join(p.replace("'", "['’]?") for p in phrases)
    # not inside a word or after a contraction's apostrophe; after a quotation mark, yes
    return re.compile(rf"(?<!\w)(?<!\w['’])(?:{body})(?![\w’]|'\w)", re.IGNORECASE)


@dataclass(frozen=True)
class Phrase:
    """Risk phrases of one construct (what clinicians screen for, e.g. "nssi") reported
    under one category: who must say them, and whether they carry their own negation
    ("I don't want to wake up" is a disclosure, not a denial)."""

    category: RiskCategory
    pattern: re.Pattern[str]
    subject: Subject = "any"
    negation_inside: bool = False
    construct: str = ""
    language: str = "en"  # "en" or "es": a line is read for the phrases of its languages


# Masked before anything else is matched.
IDIOM = compile_phrases(
    r"kill(?:ed|ing|s)? it|(?:could|would|'d) kill for|kill(?:ing)? (?:some )?time",
    r"(?!(?:he|she|they)\b)\w+(?:'s|'re|\s+is|\s+are|\s+was)\s+(?:\w+\s+)?killing\s+me",
    r"kill (?:the (?:lights|engine|mood|vibe|pain)|two birds)",
    r"(?:mom|mum|mother|dad|father|parents|boss|teacher|coach|wife|husband|she|he|they)"
    r"(?:'s|'re| is| are)? (?:going to|gonna|will|'ll|would|'d) kill me (?:if|when) "
    r"(?:she|he|they) (?:finds?|found|sees?|hears?)",
    r"dying (?:to|for)|to die for|(?:almost|nearly|could have|could've|practically) died",
    r"died (?:laughing|of (?:embarrassment|shame|boredom))|die of (?:embarrassment|shame)",
    r"(?:phone|battery|laptop|car|computer|plants?|tv|engine|charger|wifi) (?:just )?died",
    r"shoot,|oh shoot|shoot (?:me )?(?:a|an) (?:text|email|message|line)|(?:photo|video) shoot",
    r"(?:a|flu|booster|covid) shots?(?: of)?|shot of (?:espresso|whiskey|vodka|tequila|coffee)",
    r"drop-?dead|killer (?:app|workout|song|view|idea|deal|headache)|deadlines?",
    r"dead (?:tired|end|on my feet|battery|serious|set on)|over my dead body",
    r"(?:bored|scared|sick|worried|frightened|tickled) to death",
    r"take a stab at|stab in the dark|stabbed (?:me )?in the back",
    r"beat (?:myself|yourself|herself|himself) up|hit (?:me|him|her|them) up",
    r"beat (?:me|him|her|them|us) (?:at|in) (?:a |the )?(?:chess|cards|games?|race|match|"
    r"tennis|poker|scrabble|golf|video games|pool|basketball|football|soccer|everything)",
    r"(?:it|that|this|reality) (?:really )?hit me",
    r"hurt (?:his|her|their|your|my|someone's|anyone's|people's) feelings",
    r"hurts? me (?:so much|a lot|deeply|emotionally|to (?:see|hear|say|think))",
    r"pushe[sd]? me (?:to (?:be|do|study|work|apply|try|succeed|get|go|take|finish|achieve|"
    r"improve|perform|excel|keep|start|stop|see|talk|make)|away)",
    r"forced me to (?:study|go to|take|work|practi[cs]e|eat|attend|apply|choose|quit|move)",
    r"choked (?:me )?up|kicked me (?:out|off)",
    r"(?:career|social|political|professional|financial) suicide|kill(?:ed|ing)? myself laughing",
    r"suicide (?:prevention|awareness|rates?|statistics|research|training)",
    r"(?:suicide|self[- ]harm|overdose|risk) (?:risk )?(?:screen|screening|liaison|team|"
    r"assessments?|service|nurse|training|clinic|unit|pathway|protocol|policy|audit|"
    r"helpline|questions?|forms?|paperwork|referrals?|exclusions?|prevention|awareness)",
    r"drown(?:ing|ed)? (?:myself|my sorrows) in (?!the\b|a\b|an\b|my bath\b)\w+",
    r"(?:she|he|they)(?:'ll|'d| will| would) kill me if I \w+(?: \w+)? again",
    r"domestic violence (?:training|awareness|prevention|research|programs?|course|workshop)",
    r"suicide (?:squad|doors|sprints?|drills?|mission)",
    r"overdos(?:e|ed|ing) on (?:coffee|caffeine|chocolate|sugar|netflix|tv|candy|junk food|"
    r"work|carbs|sun|news|social media)",
    r"(?:cut|burn(?:ed|t)?|hurt) myself (?:shaving|cooking|(?:on|with) (?:a|the) "
    r"(?:paper|stove|oven|pan|iron|glass)|by accident|at the gym|playing|lifting|running|"
    r"(?:when|after) I (?:fell|slipped|tripped))|accidentally (?:cut|burn(?:ed|t)?|hurt) myself",
    # an accident names the thing it happened on, not a part of the body
    r"(?:cut|burn(?:ed|t)?|hurt) myself on (?:a|the|some|that) (?!(?:arms?|wrists?|legs?|"
    r"thighs?|stomach|hips?|inside|top|back|side)\b)\w+",
    r"cut (?:my|his|her) (?:finger|thumb|hand) (?:on|while|chopping|cutting|peeling|opening|"
    r"slicing)|me (?:corté|quemé) (?:\w+ ){0,3}(?:el|un) dedo|(?:picando|pelando|cortando) "
    r"(?:cebolla|verdura|pan|carne|tomate)",
    r"cutting (?:back|down|corners|class|classes|carbs|sugar|it close|ties|people off|hair)",
    r"(?:safety|crisis|treatment|care|meal|action|business|lesson|study|phone|payment) plans?",
    r"(?:substance|drug|alcohol|opioid|opiate|cocaine|heroin|meth|prescription) abuse",
    r"(?:nearly|almost|practically|basically) killed myself (?:on|at|in|doing|with|running|"
    r"laughing|trying)",
    r"(?:I'm|I am|I was|you're|he's|she's) smothering (?:him|her|them|you|me)",
    # hyperbole, unless reported as said or as a threat over leaving or telling
    r"(?<!said )(?<!says )(?<!saying )(?<!told me )(?<!threatened )(?<!swore )(?:she|he|they|"
    r"mum|mom|dad|\w+)(?:'ll| will|'s going to|'s gonna| is going to| is gonna| would|'d) "
    r"(?:kill|murder) me (?:for|when|because|before|if(?! I (?:tell|told|report|go to|call|"
    r"speak to|talk to|ever)\b| I (?:leave|left)(?: (?:him|her|them|home|the house))?"
    r"(?:[.,!?]|$)))",
    # parents, teachers, bosses "will kill me" as a figure of speech; a partner or a "he"
    # only with a condition (above: "he'll kill me when he sees the bill"), since "He is
    # going to kill me." may be the fear it says
    r"\w+(?: is|'s| are|'re) (?:going to|gonna) be the death of me",
    r"(?<!said )(?<!says )(?<!told me )(?<!threatened )(?<!swore )"
    r"(?:mum|mom|mam|ma|dad|da|father|mother|parents|boss|teacher|coach|nan|gran|physio|"
    r"trainer|doctor|gp|nurse|manager|sister|brother)(?:'s|'ll|'d| is| will| "
    r"would| are)? (?:going to |gonna )?(?:kill|murder) me(?! if (?:I|you) (?:tell|told|"
    r"leave|left|report|go|call|speak|talk|ever))",
    r"(?:dissertation|thesis|essay|research|module|course|training|lecture|talk|book|article|"
    r"paper|project|podcast|documentary|presentation)(?:'s| is| was)? (?:on|about|into) (?:"
    r"\w+ )?(?:self[- ]harm|suicide|abuse|overdoses?|domestic violence|violence)",
    r"literally (?:going to |gonna )?(?:die|dying|dead)|(?:going to|gonna) die (?:of|if|when|"
    r"because|laughing)",
    r"kill me,? but|kill me now|shoot me now|(?:just )?shoot me(?=[.!])",
    r"sick to death|bored to death|scared to death|frightened to death|worried to death",
    r"(?:'d|would|will|'ll) kill me otherwise",
    r"me cort[ée] (?:\w+ )?(?:picando|pelando|cortando|afeitándome|rebanando|cocinando)",
    r"(?:esta |la |el |este )?(?:corbata|camisa|cuello|pantal[óo]n|cintur[óo]n) me (?:ahorca|"
    r"aprieta|mata)",
    # a chore as the condition: "she'll kill me if I don't bring the trifle"
    r"(?:she|he|they|mum|mom|mam|dad)(?:'ll|'d| will| would)(?: have to| actually)? kill me "
    r"if I (?:don't|didn't|do not|forget|make|miss|spill|eat|wear|bring|lose|break)",
    # a thing, not a person, will kill: "the worry will kill me" ("that bastard will" stays)
    r"(?:the|this|that) (?:worry|stress|heat|cold|commute|hill|walk|job|work|price|prices|"
    r"traffic|wait|waiting|suspense|noise|diet|gym|training|shift|shifts|exam|exams|deadline|"
    r"drive|rent|bills?|paperwork|course|module|cold snap|weather|queue|diesel) (?:will|'ll|"
    r"is going to|is gonna) (?:kill|finish) me(?: off)?",
    r"(?:(?<=[.!?] )|^)kill me(?=[.!])",
    r"it(?:'d| would|'ll| will) kill you|choke (?:me|him|her|them|you) out|(?:worry|work|"
    r"drink|eat|smoke|drive) (?:herself|himself|myself|themselves|yourself|me|her|him) "
    r"into an early grave",
    r"kill(?:ing)? (?:myself|yourself|herself|himself) (?:doing|working|with (?:all )?(?:these|"
    r"those|the|that) (?:extra )?(?:shifts|hours|overtime|work))",
    r"push(?:ed|ing)? (?:him|her|them|me) (?:in|on|round|around) (?:the|a|his|her|my|their) "
    r"(?:wheelchair|pram|buggy|chair|swing|trolley)|cut (?:him|her|them) down(?! to size)",
    r"me mato (?:\w+ando|\w+iendo|a \w+ar)|(?:life|future|actual|big|holiday|weekend|"
    r"summer|work) plans|(?:got|have) plans",
    r"abused (?:alcohol|drugs|substances|cocaine|heroin|my prescription)",
    r"abuse of (?:alcohol|drugs|substances|power)",
    r"boss\b.{0,60}\bkilled (?:him|her|it|them)|(?:died|die|dying) (?:like |about |over )?"
    r"\w+ times|(?:killed|beat|kill) (?:the )?(?:final |last |same |end )?boss",
    r"cut (?:them|him|her|people|everyone|contact|ties)(?: all)? (?:off|out)",
    r"kill me,? in a good way|(?:will|'ll|gonna|going to) (?:actually |literally )?kill me,? "
    r"in a good way",
    r"(?:gut|body|back|knees?|head|stomach|illness|disease|cancer|immune system|job|work|"
    r"baby|it|nurse|physio|trainer|instructor|coach|teacher|doctor)(?:'s| is) "
    r"(?:clearly |literally |basically |actually )?(?:trying|going) to kill me|trying to "
    r"kill me with \w+",
    r"kill (?:\w+ )?with (?:the|a|my|his|her|all the|all that) (?:stress|worry|worrying|"
    r"salt|sugar|cooking|driving|nagging|questions|paperwork|decimal point|exercise|"
    r"kindness|cholesterol|butter|noise|music|smell)",
    r"I'?m (?:literally |actually )?(?:dead|deceased) (?:at|lol)|(?:impost[oe]r|among us)\b"
    r".{0,40}\bkill(?:ed|ing)? (?:everyone|everybody|\w+)",
    r"(?:sold|got rid of|handed in|gave away|surrendered) (?:my|the|his|her|all (?:my|the)) "
    r"(?:guns?|pistols?|rifles?|shotguns?|firearms?|weapons?)",
    r"(?:morir(?:me)?|muero|muera|moría|moriría|morí) de (?:la )?(?:vergüenza|risa|miedo|"
    r"hambre|sueño|calor|frío|ganas|pena|aburrimiento|celos|envidia)",
)
# Someone else's story: a patient, a case, a film. Phrases in a sentence that says one
# and nothing of the client ("I", "my") are not the client's.
REPORTED = compile_phrases(
    r"(?:on|in) my (?:caseload|ward|wing|shift|list|unit|beat)|on the wing|a (?:patient|"
    r"client|service user|resident|pupil|student|prisoner|case) (?:of mine|who|that|came|"
    r"had|was)|one of "
    r"(?:my|our|the) (?:patients|clients|kids|residents|pupils|cases|lads)",
    r"(?:we|I) had (?:a|an|this|three|two|four|five) (?:lad|man|woman|girl|boy|kid|patient|"
    r"case|guy|bloke|call|job|overdoses?|cardiac)",
    r"(?:in|on) (?:the|a|this) (?:film|movie|show|series|book|novel|documentary|podcast|news|"
    r"episode|game)|on the news|true crime",
    r"(?:three|two|four|five|six|several|multiple|many) (?:overdoses|suicides|stabbings|"
    r"shootings|assaults|cases|jumpers)|one of the (?:overdoses|suicides|stabbings|jumpers|"
    r"cases|calls|patients|deaths)",
    r"(?:we|I) got (?:the|a) call|the domestic (?:on|at|in)|(?:on|at) (?:a|the) (?:job|call|"
    r"shout|domestic)|(?:an? )?(?:od|overdose|suicide|cardiac|domestic|welfare) (?:call|job|"
    r"shout)",
    r"the (?:part|scene|bit|chapter|episode|ending) (?:where|when|at|in)|in (?:the|this) "
    r"(?:book|film|movie|episode|chapter)",
    r"(?:remov(?:e|ed|ing)|t(?:ake|ook|aking)|plac(?:e|ed|ing)) (?:\w+ )?(?:kids|children|"
    r"a child|a baby|siblings) (?:from|into)"
    r"|(?:tuvimos|tuve) que retirar|centro de menores|(?:un|una) (?:paciente|usuari[oa]) "
    r"(?:que|de|mí[oa])",
    r"(?:one|another|the other) (?:lad|girl|boy|man|woman|lady|guy|bloke|patient|kid|one|"
    r"caller) (?:took|was|had|tried|did|'s been|has been|last|this|told|rang|called|said)|"
    r"when we got there|(?:my|our) crew ?mate|we got called|on (?:a|the) call|"
    r"years (?:in|on) (?:A&E|the ER|ED|casualty|"
    r"the wards?|nursing|the force|the police|the ambulances?|the job)|mostly (?:young )?"
    r"(?:girls|lads|men|women|kids)",
    # ("a text" and "my script" stay out: a text message, a prescription)
    r"(?:tele)?novela|the villain|(?:a|the|this|my) (?:monologue|play|role|character)",
    r"(?:an?|my|the|this) (?:comparative |short |set )?(?:essay|novel|poem|set text|short "
    r"story|protagonist|heroine|narrator)",
    r"(?:an old|a young|a little) (?:gentleman|lady|man|woman|boy|girl|lad|kid)|my friend's|"
    r"his (?:nephew|son|daughter|wife|carer)|her (?:nephew|son|daughter|husband|carer)",
    r"(?:I'm|I am|I work as|I worked as|I'm working as|as) an? (?:nurse|paramedic|police "
    r"officer|cop|doctor|gp|social worker|teacher|firefighter|prison officer|pharmacist|vet|"
    r"care worker|support worker|youth worker|counsellor|counselor|lifeguard|midwife|"
    r"probation officer|officer|medic|er nurse|a&e nurse)",
)
# Words that tell a line's language apart (a line with both is read in both).
ENGLISH_WORDS = frozenset(
    "the and i you it to of is was my me that this what with have not but he she they "
    "just like so do don't can't i'm it's".split()
)
SPANISH_WORDS = frozenset(
    "que de el la los las y en por para una un es mi se lo le con pero sí si muy "
    "está estoy tengo pienso ya más cuando eso esto él ella veces quiero quería nada todo "
    "hoy ayer bien mal hay también porque como pues bueno sin hasta desde ahora siempre "
    "nunca solo sólo estaba fue era soy eres mucho poco".split()
)
FIRST_PERSON = frozenset(
    "i i'm im i've ive i'd i'll me my mine myself yo mi mis mí conmigo me".split()
)
# Verbs people vent with; a violence phrase with one, and nothing that makes it serious,
# is "possible risk" for a clinician to review, not a disclosure.
VENTING_VERB = compile_phrases(
    r"murder(?:ed|ing)?|strangl(?:e|ed|ing)|throttl(?:e|ed|ing)|smother\w*|"
    r"wring (?:his|her|their) necks?",
    r"could (?:kill|murder|strangle|throttle) (?:him|her|them|that \w+|my \w+)|"
    r"(?:one more time|again)[,.]? I'?ll (?:kill|murder) (?:him|her|them)|nearly killed (?:him|"
    r"her|them)",
    r"(?:I'?ll|I could) swing for (?:him|her|them)",
    r"I'?ll (?:kill|murder) (?:him|her|them|you)(?:,? \w+)? if (?:he|she|they|you)\b[^.!?]{0,60}"
    r"\bagain",
)
# "He will kill me" with nothing said of why: the fear it says, or the figure of speech
# ("my agent is going to kill me"). A possible risk for a clinician to weigh; a threat over
# leaving or telling, or one reported as said ("he said he'd kill me"), stays a disclosure.
BARE_THREAT = compile_phrases(
    r"(?<!said )(?<!says )(?<!saying )(?<!told me )(?<!threatened )(?<!swore )(?:she|he|"
    r"they|\w+)(?:'s|'ll|'d| is| will| would| are)? (?:going to |gonna |trying to )?(?:kill|"
    r"murder) me"
    r"(?! if (?:I|you) (?:tell|told|leave|left|report|go|call|speak|talk|ever))",
)
# Said outright to be no literal statement: a disclosure becomes a possible risk.
NOT_LITERAL = compile_phrases(
    r"(?:(?<=[.!?] )|^)(?:joking|kidding|joke only|only joking|just joking|(?:es )?(?:una )?"
    r"broma)(?=[.!,])|figuratively|metaphorically|(?:just |only )?an expression|(?:en )?plan "
    r"metáfora|en sentido figurado|"
    r"not literally|(?:only|just) (?:joking|kidding|messing)|I'?m (?:joking|kidding)|"
    r"figure of speech|(?:no|not) (?:en serio|literal(?:mente)?)|es broma|(?:solo|sólo) "
    r"bromeaba",
)
SERIOUS_CUE = compile_phrases(
    r"pictur\w+|imagin\w+|fantas\w+|in detail|plan\w*|not joking|no joke|serious(?:ly)?|"
    r"for real|en serio|no es forma de hablar|figure of speech|every (?:night|day)|lie awake|"
    r"gun|knife|shotgun|rifle|pistol|weapon|pistola|arma|wait(?:ing)? for (?:him|her)|"
    r"esperarl[oa]|(?:I|I'm|I am) (?:scared|afraid|worried) (?:I'll|I will|I might)",
)

# Masked only while looking for negation: their "not"/"can't" strengthen a disclosure.
NEGATION_NEUTRALISERS = compile_phrases(
    r"can't stop|couldn't stop|can't help|can't shake|no matter|not the first time",
    r"can't (?:promise|guarantee)(?: I won't)?|don't trust myself(?: not to)?",
    r"not (?:gonna|going to) lie|not (?:kidding|joking)|no (?:joke|lie)",
    r"never (?:felt|been|wanted anything) (?:so|this|more)",
    r"not a day goes by (?:that |where |when )?I don't",
    r"can't get (?:it|the thoughts?|the idea) out of my head",
    r"(?:I'd|I would) be lying if I said I (?:didn't|don't|wasn't|haven't|never)",
)
NEGATION_CUE = re.compile(
    r"(?i)(?<![\w'’])(?:no way (?:that )?I(?:['’]?d|['’]?ll|['’]?m| would| will| am| could)?|"
    r"no(?!\s*[,.!?;:])|not|never|nor|neither|without|cannot|no longer|nobody|no one|"
    r"free of|negative for|rule[sd]? out|den(?:y|ies|ied|ying)|\w+n['’]t|dont|doesnt|didnt|"
    r"nunca|jamás|tampoco|"
    r"cant|couldnt|wont|wouldnt|shouldnt|havent|hasnt|hadnt|isnt|arent|wasnt|werent|aint)(?!\w)",
)
# A new clause ends a negation's reach: "I'm not okay, I want to die".
CLAUSE_BREAK = re.compile(
    r"(?i),(?=\s*(?:and |so |then )?(?:i|i'm|i’m|im|i've|i’ve|i'd|i’d|i'll|i’ll|he|she|they|we|"
    r"you|it|it's|it’s|my|that|this|there)\b)|\b(?:because|cause|so|if|when|until|unless|"
    r"and then)\b",
)
# "I don't think I'd ..." keeps the negation across the new "I".
NEGATION_RAISERS = frozenset(
    "think believe feel suppose expect imagine say saying mean know reckon see plan like".split()
)
POST_NEGATION = re.compile(
    r"(?i)[\s,]*(?:(?:is|was|'s|’s|would be)\s+(?:not|never)\s+|isn['’]?t\s+|wasn['’]?t\s+)"
    r"(?:an option|the answer|something I(?:['’]?d| would)?\s+(?:ever\s+)?(?:do|consider))"
    r"|[\s,]*is (?:off the table|out of the question)"
    r"|\s+no(?=[.!;]|$)",  # "nostalgia sí, ganas de morirme no."
)
# A question the client asks themselves and answers "no": "Do I want to die? No."
ANSWERED_NO = re.compile(r"(?i)\W*(?:no|nah|nope|never|not at all|nunca|para nada)\b")
# Past-time adverbials: anywhere in the phrase's clause ("years ago I tried ...").
PAST_TIME_CUE = compile_phrases(
    r"(?:\d+|a few|few|several|many|some|two|three|four|five|six|seven|eight|nine|ten|"
    r"(?:a )?couple of) (?:years?|decades?|months) ago",
    r"a (?:long )?(?:time|while) ago|(?:long|ages|years) ago|years back|in (?:the|my) past",
    r"back (?:then|in the day|in (?:high school|college|school|university|(?:19|20)\d\d))",
    r"when I was (?:younger|a (?:kid|child|teen|teenager)|little|young|\d+|(?:ten|eleven|"
    r"twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty)|in "
    r"(?:high school|"
    r"college|school|middle school|university|my (?:teens|twenties|20s)))",
    r"as a (?:kid|child|teen|teenager|young (?:man|woman|adult))|growing up|in (?:19|20)\d\d",
    r"(?:at )?(?:the )?age(?:d| of)? \d{1,2}|I was \d{1,2}|previously",
    r"(?:tried|attempted)(?: it)? (?:once|twice|before)",
    r"(?:once|twice|several times|many times|\d+ times) before",
    r"(?:it's )?been (?:\d+|a few|several|many|two|three|four|five) (?:years|months) since",
    r"(?:years|months) clean|clean for (?:\d+|a few|several|many|two|three) (?:years|months)",
    # Spanish
    r"hace (?:\d+|unos|varios|muchos|dos|tres|cuatro|cinco|diez) (?:años|meses)|hace años",
    r"de (?:chavo|chava|niño|niña|joven|pequeño|pequeña|chico|chica|adolescente)",
    r"cuando (?:era|tenía) (?:niño|niña|joven|pequeño|pequeña|adolescente|\d+)",
    r"antes,|ya no\.",
)
# Past-marking words that must govern the phrase, like a negation ("I used to cut myself",
# not "I used to be happy and I want to die").
PAST_GOVERNOR = compile_phrases(
    r"(?<!\bget )(?<!\bgot )(?<!\bam )(?<!\bI.m )(?<!\bIm )(?<!\bis )(?<!\bare )(?<!\bbe )"
    r"used to(?! \w+ing\b)",
    r"stopped|quit|gave up|previous|prior|clean (?:from|of)|history of|past",
)
# Cues that make a negated phrase historical: "I haven't cut myself since college".
NEGATED_HISTORY_CUE = compile_phrases(
    r"any ?more|any longer|since|(?:in|for) (?:years|months|ages|a long time|a while)",
)
RECENT_CUE = compile_phrases(
    r"now|currently|lately|recently|again|still|these days|nowadays|yesterday|today|tonight",
    r"this (?:week|month|morning|afternoon|evening|weekend|year)|last (?:night|week|weekend)",
    r"the other day|(?:\d+|a few|few|two|three|(?:a )?couple of) (?:days|weeks) ago",
    r"every day|at the moment",
    r"ahora|últimamente|todavía|otra vez|de nuevo|anoche|ayer|hoy|esta semana|la semana pasada",
)
# Where a new clause with its own subject starts, for past-time cues:
# "my brother died two years ago and I want to die".
# A sentence that dates the one before it: "That was nine years ago."
DATED_BEFORE = re.compile(
    r"(?i)\W*(?:but |and )?(?:that|this|it|all that|all of that)(?:'s| was| were| is)(?: all)? "
    r"(?:\w+ ){0,3}(?:years?|months?|decades?|a (?:long )?(?:time|while)|ages|a lifetime) ago"
)
HISTORY_CLAUSE_BREAK = re.compile(
    r"(?i)(?:\band\b|\bso\b|\bbecause\b|\bcause\b|\bsince\b|\bafter\b|,)\s*(?=(?:and |so |then |"
    r"now )?(?:i|i'm|i’m|im|i've|i’ve|ive|i'd|i’d|he|she|they|we|you|it|my|there)\b)",
)
# Words are compared lower-cased with ’ read as '.
SELF_WORDS = frozenset("i i'm im i've ive i'd i'll me myself".split())
YOU_WORDS = frozenset("you you're you've you'd your yourself".split())
THING_WORDS = frozenset("it it's this that which what".split())
THIRD_WORDS = frozenset(
    "he she they him her them he's she's they're he'd she'd they'd he'll she'll they'll "
    "his their someone somebody people everyone "
    "everybody friend friends brother sister mom mum mother dad father son daughter husband "
    "wife partner boyfriend girlfriend ex cousin aunt uncle roommate flatmate coworker "
    "co-worker colleague boss neighbour neighbor kid kids child children parents stepdad "
    "stepmom grandma grandpa grandmother grandfather teacher classmate classmates uncle's "
    "brother's sister's friend's mom's dad's man woman guy bloke lad girl boy lady "
    "gentleman patient patients client clients".split()
)
# Questions that are disclosures: "What's the point of living?"
RHETORICAL = (
    r"what's the point (?:of|in) (?:living|going on|being alive|life|anything)",
    r"why (?:should I |do I )?(?:even )?(?:bother|keep) (?:living|going on|being alive)",
    r"why am I (?:even )?(?:still )?(?:alive|here)",
)
RHETORICAL_QUESTION = compile_phrases(*RHETORICAL)

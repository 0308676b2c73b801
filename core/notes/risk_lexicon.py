"""The word lists behind risk detection: idioms, negation and time cues, risk phrases.

Kept apart from ``core.notes.risk`` so that clinicians and reviewers can read and extend
the lists without reading the pipeline. Every phrase is compiled case-insensitive with
word boundaries; an apostrophe written ``'`` in a phrase matches ``'``, ``’`` or nothing
("don't", "don’t", "dont"), so never write ``'`` inside a character class or lookbehind.
Pure data and stdlib ``re``; no state.
"""

import re
from collections.abc import Callable
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
    return re.compile(rf"(?<![\w'’])(?:{body})(?![\w’]|'\w)", re.IGNORECASE)


@dataclass(frozen=True)
class Phrase:
    """Risk phrases of one category: who must say them, and whether they carry their own
    negation ("I don't want to wake up" is a disclosure, not a denial)."""

    category: RiskCategory
    pattern: re.Pattern[str]
    subject: Subject = "any"
    negation_inside: bool = False


_OTHERS = (
    r"(?:him|her|them|you|someone|somebody|anyone|anybody|people|everyone|everybody|others|"
    r"other people|a guy|a man|that (?:guy|man|woman|person|bitch|bastard)|the (?:guy|man|kid)|"
    r"those (?:people|guys|kids)|my (?:boss|husband|wife|partner|ex|dad|father|mom|mum|mother|"
    r"brother|sister|neighbou?r|co-?worker|colleague|roommate|teacher|step-?dad|step-?father|"
    r"boyfriend|girlfriend|landlord|manager|son|daughter|kids?|children|baby|family))(?: else)?"
)
_ABUSER_VERBS = (
    r"(?:hits?|hitting|beats?|beating|punch(?:es|ed|ing)?|kick(?:s|ed|ing)?|slap(?:s|ped)?|"
    r"push(?:es|ed|ing)?|shov(?:e|es|ed|ing)|chok(?:e|es|ed|ing)|strangl(?:e|es|ed|ing)|"
    r"grab(?:s|bed|bing)?|threaten(?:s|ed|ing)?|hurts|hurting|hurt|rap(?:e|es|ed)|"
    r"molest(?:s|ed)?|forc(?:e|es|ed|ing)|abus(?:e|es|ed|ing)|burn(?:s|ed)|attack(?:s|ed)|"
    r"assault(?:s|ed)|kill|stab(?:s|bed))"
)
_PILLS = (
    r"(?:pills|tablets|meds|medications?|sleeping pills|painkillers|tylenol|paracetamol|"
    r"advil|xanax|insulin|antidepressants|oxy\w*|opioids)"
)
_INTENT = "(?:{})".format(  # fixed-width lookbehinds: "want to", "I'll", "could", "never"
    "|".join(
        f"(?<={w} )" for w in "to na could might ll would I.d Id of about never not ever".split()
    )
)
_PARTNER = r"(?:husband|wife|partner|boyfriend|girlfriend|dad|father|mom|mother|step-?dad|ex|son)"

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
    r"domestic violence (?:training|awareness|prevention|research|programs?|course|workshop)",
    r"suicide (?:squad|doors|sprints?|drills?|mission)",
    r"overdos(?:e|ed|ing) on (?:coffee|caffeine|chocolate|sugar|netflix|tv|candy|junk food|"
    r"work|carbs|sun|news|social media)",
    r"(?:cut|burn(?:ed|t)?|hurt) myself (?:shaving|cooking|(?:on|with) (?:a|the) "
    r"(?:paper|stove|oven|pan|iron|glass)|by accident|at the gym|playing|lifting|running|"
    r"(?:when|after) I (?:fell|slipped|tripped))|accidentally (?:cut|burn(?:ed|t)?|hurt) myself",
    r"cutting (?:back|down|corners|class|classes|carbs|sugar|it close|ties|people off|hair)",
    r"(?:safety|crisis|treatment|care|meal|action|business|lesson|study|phone|payment) plans?",
    r"(?:substance|drug|alcohol|opioid|opiate|cocaine|heroin|meth|prescription) abuse",
    r"abused (?:alcohol|drugs|substances|cocaine|heroin|my prescription)",
    r"abuse of (?:alcohol|drugs|substances|power)",
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
    r"no(?!\s*[,.!?;:])|not|never|nor|neither|without|cannot|no longer|"
    r"free of|negative for|rule[sd]? out|den(?:y|ies|ied|ying)|\w+n['’]t|dont|doesnt|didnt|"
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
    "think believe feel suppose expect imagine say saying mean know reckon see plan".split()
)
POST_NEGATION = re.compile(
    r"(?i)[\s,]*(?:(?:is|was|'s|’s|would be)\s+(?:not|never)\s+|isn['’]?t\s+|wasn['’]?t\s+)"
    r"(?:an option|the answer|something I(?:['’]?d| would)?\s+(?:ever\s+)?(?:do|consider))"
    r"|[\s,]*is (?:off the table|out of the question)",
)
# Past-time adverbials: anywhere in the phrase's clause ("years ago I tried ...").
PAST_TIME_CUE = compile_phrases(
    r"(?:\d+|a few|few|several|many|some|two|three|four|five|six|seven|eight|nine|ten|"
    r"(?:a )?couple of) (?:years?|decades?|months) ago",
    r"a (?:long )?(?:time|while) ago|(?:long|ages|years) ago|years back|in (?:the|my) past",
    r"back (?:then|in the day|in (?:high school|college|school|university|(?:19|20)\d\d))",
    r"when I was (?:younger|a (?:kid|child|teen|teenager)|little|young|\d+|in (?:high school|"
    r"college|school|middle school|university|my (?:teens|twenties|20s)))",
    r"as a (?:kid|child|teen|teenager|young (?:man|woman|adult))|growing up|in (?:19|20)\d\d",
    r"(?:at )?(?:the )?age(?:d| of)? \d{1,2}|I was \d{1,2}|previously",
    r"(?:tried|attempted)(?: it)? (?:once|twice|before)",
    r"(?:once|twice|several times|many times|\d+ times) before",
    r"(?:it's )?been (?:\d+|a few|several|many|two|three|four|five) (?:years|months) since",
    r"(?:years|months) clean|clean for (?:\d+|a few|several|many|two|three) (?:years|months)",
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
)
# Where a new clause with its own subject starts, for past-time cues:
# "my brother died two years ago and I want to die".
HISTORY_CLAUSE_BREAK = re.compile(
    r"(?i)(?:\band\b|\bso\b|\bbecause\b|\bcause\b|\bsince\b|\bafter\b|,)\s*(?=(?:and |so |then |"
    r"now )?(?:i|i'm|i’m|im|i've|i’ve|ive|i'd|i’d|he|she|they|we|you|it|my|there)\b)",
)
# Words are compared lower-cased with ’ read as '.
SELF_WORDS = frozenset("i i'm im i've ive i'd i'll me myself".split())
YOU_WORDS = frozenset("you you're you've you'd your yourself".split())
THING_WORDS = frozenset("it it's this that which what".split())
THIRD_WORDS = frozenset(
    "he she they him her them he's she's they're his their someone somebody people everyone "
    "everybody friend friends brother sister mom mum mother dad father son daughter husband "
    "wife partner boyfriend girlfriend ex cousin aunt uncle roommate flatmate coworker "
    "co-worker colleague boss neighbour neighbor kid kids child children parents stepdad "
    "stepmom grandma grandpa grandmother grandfather teacher classmate classmates uncle's "
    "brother's sister's friend's mom's dad's".split()
)
# Questions that are disclosures: "What's the point of living?"
_RHETORICAL = (
    r"what's the point (?:of|in) (?:living|going on|being alive|life|anything)",
    r"why (?:should I |do I )?(?:even )?(?:bother|keep) (?:living|going on|being alive)",
    r"why am I (?:even )?(?:still )?(?:alive|here)",
)
RHETORICAL_QUESTION = compile_phrases(*_RHETORICAL)


def _phrases(
    category: RiskCategory, subject: Subject, negation_inside: bool = False
) -> Callable[..., Phrase]:
    return lambda *phrases: Phrase(category, compile_phrases(*phrases), subject, negation_inside)


# Forms that carry their own negation come first: they are disclosures, not denials.
PHRASES: tuple[Phrase, ...] = (
    _phrases("suicidal_ideation", "any", negation_inside=True)(
        r"(?:don't|do not|never|didn't|did not) (?:really |even |ever )*(?:want|wanna|wanted) to "
        r"(?:wake up|live|be alive|exist|go on(?: living)?|keep (?:living|going)|be here "
        r"(?:any ?more|any longer|on this earth|in this world))",
        r"(?:hope|wish|pray) I (?:don't|didn't|wouldn't|won't|would not|never) wake up",
        r"(?:go|went|fall|falling|going) to sleep and (?:never|not) wak(?:e|ing) up",
        r"(?:wouldn't|would not|won't|don't|do not) (?:care|mind) if I (?:died|die|didn't wake up|"
        r"never woke up|got hit by a (?:car|bus|truck)|was gone|wasn't here|wasn't around)",
        r"(?:wouldn't|would not) mind (?:dying|being dead)",
        r"(?:don't|do not) care (?:if|whether) I live or die",
        r"(?:no one|no-one|nobody) would (?:care|notice|miss me) if I (?:died|was gone|were gone|"
        r"killed myself|disappeared|wasn't here)",
        r"(?:don't|do not|can't|cannot) see (?:the|a|any) (?:point (?:of|in) (?:living|life|"
        r"going on|anything|being alive)|reason to live)",
        r"no (?:point|reason) (?:to live|(?:in |of )?living|(?:in )?going on|(?:in )?being alive|"
        r"in life)|nothing (?:left )?to live for|not worth living",
        r"(?:life|it)(?:'s| is)? (?:not|isn't|no longer) worth (?:living|it any ?more)",
        r"can't (?:go on|keep going|keep living)(?: living| any ?more| like this)",
        r"(?:can't|cannot|couldn't) keep myself safe|not safe (?:with|around|from) myself",
        r"(?:don't|do not) feel safe (?:with|around|from) myself",
        r"not sure (?:if |whether )?I (?:want to|can) (?:live|be alive|keep (?:going|living)|"
        r"go on|keep myself safe)",
        r"(?:don't|do not) know (?:if|whether|how much longer) I (?:want to|can) (?:live|"
        r"be alive|keep (?:going|living)|go on|be here any ?more)",
        r"no longer want to (?:live|be alive|be here|exist)",
        r"better off if I (?:wasn't|weren't|was not|were not) (?:here|around|alive)",
        # "...easier if I didn't wake up" but not "...wake up so early" or "wake up the kids".
        r"(?:easier|better) (?:(?:if I (?:didn't|did not|never|don't|do not) (?:wake|woke)|"
        r"(?:not|never) to wake) up(?! (?:the|my|his|her|him|them|you|everyone|anyone|so|as|"
        r"too|early|late|at|in|during|every|before)\b)|"
        r"if I (?:wasn't|weren't|was not|were not) (?:here|around|alive))",
    ),
    _phrases("abuse", "self", negation_inside=True)(
        r"(?:don't|do not) feel safe (?:at home|(?:around|with) (?:him|her|them|my \w+))|"
        r"not safe at home",
    ),
    _phrases("suicidal_ideation", "any")(
        r"(?:kill|killing|killed|kills|unalive|off|offing|top|end|ending) myself|do myself in|kms",
        r"(?:end|ending|ended|take|taking|took) my (?:own )?life|end(?:ing)? it all",
        r"(?:want|wanted|wanna|thinking|thought|think|going|gonna|plan|planning|ready|decided|"
        r"tempted|urge) (?:about |to |of )?end(?:ing)? (?:it|things|everything)"
        r"(?! (?:with|between|here))",
        r"end(?:ing)? (?:it|things) (?:for good|permanently|forever|tonight)",
        r"wish I (?:was|were|could be|'d be|would be) dead|(?:better|be better) off dead",
        r"(?:rather|want to|wanna|might as well) be dead|better off without me",
        r"better off if I (?:was|were|'m) (?:gone|dead)",
        r"(?:shoot|shooting|hang|hanging|drown|drowning|suffocate|suffocating|gas|gassing) myself",
        r"slit(?:ting)? my wrists?",
        r"jump(?:ing|ed)? (?:off|from) (?:a|the|that|my) (?:bridge|building|roof|balcony|cliff|"
        r"overpass|ledge|tower|window|car park|parking garage)",
        r"(?:jump|jumping|step|stepping|walk|walking) in front of (?:a|the) (?:train|bus|truck|"
        r"car|subway)|(?:lie|lay|lying) (?:down )?on the (?:train )?tracks",
        r"(?:drive|drove|driving|crash|crashing) (?:my car )?(?:off|into) (?:a|the) (?:cliff|"
        r"bridge|wall|tree|river|oncoming traffic)|crash(?:ing)? my car on purpose",
        r"(?:use|turn|point|put|held|hold|holding) (?:it|the gun|a gun|the knife|a knife) "
        r"(?:on|to|against) (?:myself|my head)",
        r"wish I (?:had never been|was never|were never|'d never been) born",
        r"(?:want|wanted|wanna) to disappear (?:forever|for good|permanently)",
        r"wish I could (?:just )?(?:disappear|vanish|die|stop existing|not exist|fall asleep "
        r"forever|sleep forever)|stop existing",
        r"(?:tired|sick) of (?:living|being alive|existing)|want (?:it all|everything) to "
        r"(?:be over|end|stop(?! \w+ing\b))",
        *_RHETORICAL,
        r"(?:think|thinking|thought|thoughts) (?:about|of) (?:dying|not being here|not existing|"
        r"not waking up|being dead)",
    ),
    _phrases("suicidal_ideation", "self")(
        r"suicid(?:e|es|al|ality)|(?-i:SI)|(?:want|wanted|wanting|ready|going) to die|wanna die",
    ),
    _phrases("self_harm", "any")(
        r"(?:cut|cutting|cuts|burn|burning|burned|burnt|hurt|hurting|harm|harming|harmed|hit|"
        r"hitting|punch|punching|punched|scratch|scratching|scratched|injure|injuring|injured|"
        r"bruise|bruising|mutilate|mutilating|starve|starving|bite|biting) myself",
        r"harm (?:to )?(?:self|myself)|(?:urge|urges|urged) to (?:cut|self[- ]?harm|burn)",
        r"cut(?:ting)? (?:into )?my (?:wrists?|arms?|legs?|thighs?|skin|stomach|body|hips?)",
        r"burn(?:ed|t|ing)? my (?:arms?|skin|hands?|wrists?|legs?) with",
    ),
    _phrases("self_harm", "self")(
        r"self[- ]?(?:harm(?:s|ed|ing)?|injur(?:y|e|ed|es|ing|ious)|mutilat\w+)",
        r"(?:been|started|start|keep|kept|stop|stopped|quit|back to|went back to|go back to|"
        r"want to|wanted to|wanna|thinking about|thought about|tempted to) cut(?:ting)?"
        r"(?! (?:back|down|corners|class|classes|carbs|sugar|it|out|ties|people|off|up|in|the|"
        r"him|her|them|my (?:hair|nails|losses|hours|fingernails)))",
        r"(?:cut|cutting) again|relapsed (?:on |and )?(?:cutting|cut|self[- ]?harm\w*)",
        r"(?:my|the) cutting|(?<=\bof )cutting|I last cut",
    ),
    _phrases("violence", "self")(
        rf"(?:kill|killing|killed|murder\w*|stab|stabbing|stabbed|shoot|shooting|shot|strangl\w+|"
        rf"chok(?:e|ed|ing)|attack\w*|punch\w*|poison\w*|hit|hitting|smother\w*|drown|run over|"
        rf"cut|push|pushed|shov(?:e|ed)|slap\w*|kick\w*|smack\w*) {_OTHERS}",
        # "hurt" alone is often emotional ("things that hurt her"): intent or "someone".
        rf"{_INTENT}(?:hurt|hurting|harm|harming) {_OTHERS}",
        r"(?:hurt|hurting|harm|harming) (?:someone|somebody|anyone|anybody|others|other people)",
        r"beat (?:him|her|them|someone|somebody|the \w+|that \w+|my \w+) up",
        r"beat the (?:shit|crap|hell|life) out of|make (?:him|her|them|you) pay",
        r"homicidal(?: thoughts| ideation| urges)?|(?-i:HI)|harm (?:to )?others",
        r"(?:want|wanted|wanna) to hurt(?! (?:myself|me\b|my feelings))",
        r"shoot up (?:the|my|a) (?:school|office|workplace|place|church|mall)",
        r"bring(?:ing)? a (?:gun|knife|weapon) to (?:school|work|the office)",
        r"(?:get|getting|got|become|became|been|was) (?:really |so |very )?violent",
    ),
    _phrases("abuse", "agent")(
        rf"{_ABUSER_VERBS} me",
        r"threaten(?:s|ed|ing)? to (?:kill|hurt|hit|beat|harm|shoot|stab|take (?:the|my) "
        r"(?:kids|children|baby|son|daughter)|throw me out|kick me out|leave me|report me|"
        r"call (?:immigration|ice)|kill (?:himself|herself|themselves))",
        r"(?:gets|getting|got|becomes|became|been|is|was|can be)(?: really| so| very)? violent",
        r"forc(?:ed|es|ing) (?:himself|herself|themselves) on me",
        r"touch(?:ed|es|ing)? me (?:inappropriately|sexually|down there)",
        r"won't let me (?:leave|go out|see my|have (?:money|a phone)|sleep)",
        r"abusive(?! (?:relationship|marriage|home|household|family))",
    ),
    _phrases("abuse", "self")(
        r"(?:was|were|be|being|been|got|get|am|I'm) (?:physically |sexually |emotionally |"
        r"verbally )?(?:abused|assaulted|raped|molested|beaten|attacked|choked|strangled|"
        r"threatened|trafficked)|abused",
        rf"(?:afraid|scared|terrified|frightened) (?:to go home|of going home|of (?:him|her|"
        rf"my {_PARTNER}))",
        r"domestic (?:violence|abuse)|abusive (?:relationship|marriage|home|household|family)",
        r"victim of (?:abuse|domestic|violence|assault|rape)",
        rf"hit by (?:him|her|them|my {_PARTNER})",
    ),
    _phrases("overdose", "self")(
        r"overdos(?:e|ed|es|ing)|(?-i:OD(?:'d|ed)?)|poison(?:ed|ing)? myself",
        rf"too many (?:of (?:my|the|those) )?{_PILLS}|took more than (?:I was )?prescribed",
        r"(?:took|swallowed|taking|take) (?:a|the) (?:whole|entire|full) (?:bottle|box|pack|"
        r"packet|strip)",
        rf"(?:took|swallowed|taking|take) (?:all|a handful|handfuls|a bunch|a load) of (?:my |the |"
        rf"those |his |her )?{_PILLS}",
        rf"(?:took|swallowed) [1-9]\d+ (?:of (?:my |the |those )?)?{_PILLS}",
    ),
    _phrases("plan_or_means", "any")(
        r"plan(?:s|ned|ning)? (?:to|for|on|of) (?:how to )?(?:kill|killing|hurt|hurting|end|"
        r"ending|harm|harming) (?:myself|my life|it all)",
        r"plan(?:s|ned|ning)? (?:to|for|on|of) (?:overdos\w+|jump\w*|hang\w*|shoot\w*)",
        r"(?:have|had|got|made|make|making|has) a (?:plan|date|method) (?:to|for) (?:kill|killing|"
        r"end|ending|hurt|take|taking) (?:myself|my life|it all|my own life)",
        rf"(?:stockpil\w+|sav(?:e|ed|ing) up|hoard\w*|stash(?:ed|ing)?) (?:up )?(?:my |some |"
        rf"all my |extra )?{_PILLS}|{_PILLS} (?:saved|stashed|stockpiled|hidden) (?:up|away)",
        r"(?:suicide|goodbye) (?:note|letters?)|tied a noose|lethal dose",
        r"(?:bought|buying|got) a (?:gun|rope|noose) (?:to|for) (?:kill|end|use on) "
        r"(?:myself|my life|it)",
        r"(?:researched|looked up|googled|searching|searched) (?:how|ways) to (?:die|kill myself|"
        r"overdose|end it)",
        rf"how many {_PILLS} (?:it would take|would kill|to die)",
    ),
)
# Plans and means that count only beside a suicidal or self-harm phrase in the same line:
# "I take my pills every morning" is not a risk.
MEANS_IN_CONTEXT = _phrases("plan_or_means", "any")(
    _PILLS,
    r"rope|noose|guns?|firearms?|pistol|rifle|shotgun|weapons?|knife|knives|blades?|razors?",
    r"bridge|jump\w*|building|roof(?:top)?|ledge|cliff|trains?|tracks|overpass|exhaust",
    r"carbon monoxide|a plan|plans?|planned|planning|method|note|letters?|a date|bottle|belt",
    r"gave away (?:all )?my \w+|how I (?:would|will|'d) do it|how to do it|access to",
)
CONTEXT_CATEGORIES: frozenset[RiskCategory] = frozenset({"suicidal_ideation", "self_harm"})

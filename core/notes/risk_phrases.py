"""The English risk phrases, by the construct clinicians screen for (the C-SSRS ladder,
non-suicidal self-injury, violence and weapons, abuse, overdose and intoxication).

Every phrase is compiled case-insensitive with word boundaries (``compile_phrases``); an
apostrophe written ``'`` matches ``'``, ``’`` or nothing. Forms that carry their own
negation come first: they are disclosures, not denials. Pure data; no state.
"""

from collections.abc import Callable

from core.notes.risk_lexicon import RHETORICAL, Phrase, RiskCategory, Subject, compile_phrases

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


def _phrases(
    construct: str, category: RiskCategory, subject: Subject, negation_inside: bool = False
) -> Callable[..., Phrase]:
    return lambda *phrases: Phrase(
        category, compile_phrases(*phrases), subject, negation_inside, construct
    )


# Forms that carry their own negation come first: they are disclosures, not denials.
PHRASES: tuple[Phrase, ...] = (
    _phrases("wish_to_be_dead", "suicidal_ideation", "any", negation_inside=True)(
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
    _phrases("abuse_physical", "abuse", "self", negation_inside=True)(
        r"(?:don't|do not) feel safe (?:at home|(?:around|with) (?:him|her|them|my \w+))|"
        r"not safe at home",
    ),
    _phrases("active_ideation", "suicidal_ideation", "any")(
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
        *RHETORICAL,
        r"(?:think|thinking|thought|thoughts) (?:about|of) (?:dying|not being here|not existing|"
        r"not waking up|being dead)",
    ),
    _phrases("active_ideation", "suicidal_ideation", "self")(
        r"suicid(?:e|es|al|ality)|(?-i:SI)|(?:want|wanted|wanting|ready|going) to die|wanna die",
    ),
    _phrases("nssi", "self_harm", "any")(
        r"(?:cut|cutting|cuts|burn|burning|burned|burnt|hurt|hurting|harm|harming|harmed|hit|"
        r"hitting|punch|punching|punched|scratch|scratching|scratched|injure|injuring|injured|"
        r"bruise|bruising|mutilate|mutilating|starve|starving|bite|biting) myself",
        r"harm (?:to )?(?:self|myself)|(?:urge|urges|urged) to (?:cut|self[- ]?harm|burn)",
        r"cut(?:ting)? (?:into )?my (?:wrists?|arms?|legs?|thighs?|skin|stomach|body|hips?)",
        r"burn(?:ed|t|ing)? my (?:arms?|skin|hands?|wrists?|legs?) with",
    ),
    _phrases("nssi", "self_harm", "self")(
        r"self[- ]?(?:harm(?:s|ed|ing)?|injur(?:y|e|ed|es|ing|ious)|mutilat\w+)",
        r"(?:been|started|start|keep|kept|stop|stopped|quit|back to|went back to|go back to|"
        r"want to|wanted to|wanna|thinking about|thought about|tempted to) cut(?:ting)?"
        r"(?! (?:back|down|corners|class|classes|carbs|sugar|it|out|ties|people|off|up|in|the|"
        r"him|her|them|my (?:hair|nails|losses|hours|fingernails)))",
        r"(?:cut|cutting) again|relapsed (?:on |and )?(?:cutting|cut|self[- ]?harm\w*)",
        r"(?:my|the) cutting|(?<=\bof )cutting|I last cut",
    ),
    _phrases("homicidal_ideation", "violence", "self")(
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
    _phrases("abuse_physical", "abuse", "agent")(
        rf"{_ABUSER_VERBS} (?:me|us)(?= with| when| if| every| and| until| till| so|[.,!]|$)"
        rf"|{_ABUSER_VERBS} me",
        r"threaten(?:s|ed|ing)? to (?:kill|hurt|hit|beat|harm|shoot|stab|take (?:the|my) "
        r"(?:kids|children|baby|son|daughter)|throw me out|kick me out|leave me|report me|"
        r"call (?:immigration|ice)|kill (?:himself|herself|themselves))",
        r"(?:gets|getting|got|becomes|became|been|is|was|can be)(?: really| so| very)? violent",
        r"forc(?:ed|es|ing) (?:himself|herself|themselves) on me",
        r"touch(?:ed|es|ing)? me (?:inappropriately|sexually|down there)",
        r"abusive(?! (?:relationship|marriage|home|household|family))",
    ),
    _phrases("coercive_control", "abuse", "agent")(
        r"won't let me (?:leave|go out|see my|have (?:money|a phone)|sleep)",
    ),
    _phrases("abuse_physical", "abuse", "self")(
        r"(?:was|were|be|being|been|got|get|am|I'm) (?:physically |sexually |emotionally |"
        r"verbally )?(?:abused|assaulted|raped|molested|beaten|attacked|choked|strangled|"
        r"threatened|trafficked)|abused",
        rf"(?:afraid|scared|terrified|frightened) (?:to go home|of going home|of (?:him|her|"
        rf"my {_PARTNER}))",
        r"domestic (?:violence|abuse)|abusive (?:relationship|marriage|home|household|family)",
        r"victim of (?:abuse|domestic|violence|assault|rape)",
        rf"hit by (?:him|her|them|my {_PARTNER})",
    ),
    _phrases("overdose_event", "overdose", "self")(
        r"overdos(?:e|ed|es|ing)|(?-i:OD(?:'d|ed)?)|poison(?:ed|ing)? myself",
        rf"too many (?:of (?:my|the|those) )?{_PILLS}|took more than (?:I was )?prescribed",
        r"(?:took|swallowed|taking|take) (?:a|the) (?:whole|entire|full) (?:bottle|box|pack|"
        r"packet|strip)",
        rf"(?:took|swallowed|taking|take) (?:all|a handful|handfuls|a bunch|a load) of (?:my |the |"
        rf"those |his |her )?{_PILLS}",
        rf"(?:took|swallowed) [1-9]\d+ (?:of (?:my |the |those )?)?{_PILLS}",
    ),
    _phrases("plan", "plan_or_means", "any")(
        r"plan(?:s|ned|ning)? (?:to|for|on|of) (?:how to )?(?:kill|killing|hurt|hurting|end|"
        r"ending|harm|harming) (?:myself|my life|it all)",
        r"plan(?:s|ned|ning)? (?:to|for|on|of) (?:overdos\w+|jump\w*|hang\w*|shoot\w*)",
        r"(?:have|had|got|made|make|making|has) a (?:plan|date|method) (?:to|for) (?:kill|killing|"
        r"end|ending|hurt|take|taking) (?:myself|my life|it all|my own life)",
    ),
    _phrases("preparatory_acts", "plan_or_means", "any")(
        rf"(?:stockpil\w+|sav(?:e|ed|ing) up|hoard\w*|stash(?:ed|ing)?) (?:up )?(?:my |some |"
        rf"all my |extra )?{_PILLS}|{_PILLS} (?:saved|stashed|stockpiled|hidden) (?:up|away)",
        r"(?:suicide|goodbye) (?:note|letters?)|tied a noose",
        r"(?:bought|buying|got) a (?:gun|rope|noose) (?:to|for) (?:kill|end|use on) "
        r"(?:myself|my life|it)",
        r"(?:researched|looked up|googled|searching|searched) (?:how|ways) to (?:die|kill myself|"
        r"overdose|end it)",
    ),
    _phrases("method", "plan_or_means", "any")(
        rf"lethal dose|how many {_PILLS} (?:it would take|would kill|to die)",
    ),
)
# Plans and means that count only beside a suicidal or self-harm phrase in the same line:
# "I take my pills every morning" is not a risk.
MEANS_IN_CONTEXT = _phrases("method", "plan_or_means", "any")(
    _PILLS,
    r"rope|noose|guns?|firearms?|pistol|rifle|shotgun|weapons?|knife|knives|blades?|razors?",
    r"bridge|jump\w*|building|roof(?:top)?|ledge|cliff|trains?|tracks|overpass|exhaust",
    r"carbon monoxide|a plan|plans?|planned|planning|method|note|letters?|a date|bottle|belt",
    r"gave away (?:all )?my \w+|how I (?:would|will|'d) do it|how to do it|access to",
)
CONTEXT_CATEGORIES: frozenset[RiskCategory] = frozenset({"suicidal_ideation", "self_harm"})

"""More English risk phrases, by construct: the paraphrases, objects, events and acts that
clients use instead of the words a checklist expects ("I took the blade out of my
sharpener", "woke up in the ambulance", "he has my pension card").

Same conventions as ``core.notes.risk_phrases``: case-insensitive whole words, ``'``
matching any apostrophe or none, phrases that carry their own negation marked so.
"""

from collections.abc import Callable

from core.notes.risk_lexicon import Phrase, RiskCategory, Subject, compile_phrases

_BODY = (
    r"(?:arms?|forearms?|wrists?|thighs?|legs?|skin|stomach|belly|hips?|ankles?|hands?|"
    r"fingers?|chest|shoulders?|tops of my arms|inside of my (?:arm|wrist|thigh)s?)"
)
_SHARP = (
    r"(?:blades?|razors?|razor blades?|the sharpener|a sharpener|pencil sharpener blades?|"
    r"scissors|compass(?: point)?|broken glass|glass|safety pin|pins?|needles?|box cutter|"
    r"stanley knife|craft knife|knife|knives|lighter|cigarettes?|hot (?:spoon|metal|knife))"
)
_PILLS = (
    r"(?:pills|tablets|meds|medication|medicine|sleeping pills|sleepers|painkillers|"
    r"paracetamol|tylenol|ibuprofen|codeine|tramadol|insulin|antidepressants|sertraline|"
    r"citalopram|fluoxetine|diazepam|valium|xanax|zopiclone|lithium|quetiapine|oxy\w*|"
    r"opioids|methadone|the lot)"
)
_DRUGS = (
    r"(?:gear|heroin|smack|fent\w*|spice|ket|ketamine|coke|crack|meth|pills|benzos|xans|"
    r"drugs|the stuff|a bag|bags)"
)
_DRINK = r"(?:vodka|whisky|whiskey|gin|rum|cider|wine|beer|booze|drink|drinking|drunk|alcohol)"
_HOSPITAL = (
    r"(?:hospital|a&e|the er|the e\.?r\.?|emergency|intensive care|icu|itu|resus|"
    r"the ambulance|an ambulance|the back of an ambulance|a hospital bed|recovery)"
)
_MONEY = (
    r"(?:pay|paycheck|pay ?cheque|wages?|salary|pension|pension card|benefits|money|savings|"
    r"bank card|card|cards|pin|account|allowance|universal credit|giro|disability money)"
)
_KIN = (
    r"(?:my (?:sister|brother|mum|mom|mam|mother|dad|father|family|friends?|mates|kids?|"
    r"children|son|daughter|nan|gran|parents)|anyone|my own family|people)"
)


def _phrases(
    construct: str, category: RiskCategory, subject: Subject = "any", negation_inside: bool = False
) -> Callable[..., Phrase]:
    return lambda *phrases: Phrase(
        category, compile_phrases(*phrases), subject, negation_inside, construct
    )


PHRASES: tuple[Phrase, ...] = (
    # --- wish to be dead: passive ideation in paraphrase --------------------------------
    _phrases("wish_to_be_dead", "suicidal_ideation", negation_inside=True)(
        r"(?:wouldn't|would not|won't|wouldnt) (?:be (?:mad|upset|sad|bothered|sorry)|care|"
        r"mind) if I (?:just )?(?:didn't|did not|never|don't) (?:wake|woke) up",
        r"(?:didn't|did not|don't|do not) (?:want|wanna) to (?:wake|come) (?:up|back|round)",
        r"(?:not|never) (?:wanting|want) to (?:wake up|be (?:here|alive|around)|exist|live)",
        r"(?:wouldn't|would not|won't) (?:have|need) to (?:wake up|face (?:it|another day|"
        r"tomorrow|anything)) (?:again|ever again|any ?more)",
        r"(?:pray|praying|prayed|hope|hoping|hoped) (?:that )?I (?:just )?(?:won't|don't|"
        r"wouldn't|didn't|never|will not|do not) (?:see (?:the )?(?:morning|tomorrow|another "
        r"day|daylight)|wake up)",
    ),
    _phrases("wish_to_be_dead", "suicidal_ideation")(
        r"(?:happily|gladly|just|wanted to|want to|wanting to) (?:go to sleep|fall asleep|close "
        r"my eyes)(?: one night)? and (?:just )?(?:not|never) (?:wake up|open them|come round|"
        r"come back)",
        r"(?:go to sleep|fall asleep|close my eyes)(?: one night)? and (?:just )?(?:skip|miss) "
        r"(?:everything|all of it|the rest)",
        r"(?:pray|praying|prayed|hope|hoping|wish|wishing) (?:every night |each night )?(?:that )?"
        r"(?:the lord|god|jesus|he|someone|something|the universe)(?: would| will|'d|'ll) "
        r"(?:just )?(?:take me|call me home|let me go)",
        r"(?:I'm|I am) (?:only|just) (?:in the way|a burden|a drain)(?: now| to (?:everyone|them|"
        r"you all))?",
        r"(?:disappointed|gutted|sorry|annoyed|angry|pissed off|upset|sad) (?:that )?(?:I|I've) "
        r"(?:came back|come back|came round|woke up|survived|made it|pulled through|am still "
        r"here|was still alive)",
        r"(?:disappointed|gutted|sorry|annoyed|angry|pissed off) (?:that )?(?:he|she|they|"
        r"someone|anyone) (?:found|saved|revived|stopped|brought back) me",
        r"(?:everyone|everybody|people|they|my family|my kids|the kids|the world|my mum|"
        r"my mom|my wife|my husband) (?:would|'d|will) (?:get on|be|do|manage|cope)(?: a lot| so"
        r"| much)? (?:easier|better|happier|fine|okay|ok)(?: off)? (?:if I (?:wasn't|weren't|"
        r"was not|were not|wasnt) (?:here|around|alive|in the way)|without me|if I (?:just )?"
        r"(?:disappeared|vanished|died|was gone|were gone|didn't exist|went away for good))",
        r"(?:wish|wishing) (?:it was|it were|it'd been|I was|I could be) (?:over|the end|gone|"
        r"asleep forever|done)(?: for good| for me)?",
        r"(?:ready|want|wanting) (?:for it to be over|for it all to end|for it to end)",
        r"(?:long|longing) (?:to be|for) (?:dead|gone|the end|death|it to be over)",
        r"(?:I'm|I am|I've been) (?:done|finished) with (?:life|living|all of it|everything|"
        r"this world)",
        r"(?:can't|cannot|couldn't) (?:do|face) (?:this|it|life|another day|another year) "
        r"(?:any ?more|any longer|much longer)",
        r"(?:no|not any) (?:future|point|reason) (?:for me|to (?:carry on|keep going))",
        r"(?:tired|exhausted|sick) of (?:existing|being here|being me|breathing|waking up)",
        r"(?:wish|wishing) I (?:could|would) (?:just )?(?:not wake up|stop breathing|fade "
        r"away|go to sleep forever|never wake up|be gone)",
        r"(?:don't|do not) (?:see|know) (?:the point|why I'm) (?:of |in )?(?:being here|"
        r"still here|carrying on)",
    ),
    # --- active ideation, slang and paraphrase -----------------------------------------
    _phrases("active_ideation", "suicidal_ideation")(
        r"(?:neck|rope|top|off|delete|unalive|unaliving) myself|(?:gonna|going to) (?:rope|"
        r"neck|catch the bus)|\bkys\b|kms|kmsl",
        r"(?:eat|eating|ate) (?:my|a|the) (?:gun|bullet|pistol)|(?:do|doing|did) myself in|"
        r"(?:be|being) unalive|(?:swallow|swallowing) (?:a|my) bullet",
        r"(?:use|turn|point|put) (?:it|that|the gun|the rifle|the shotgun|the pistol|a gun) "
        r"(?:on|against) (?:me|myself)(?: and| to)?",
        r"(?:thought|thoughts|thinking|think|idea) (?:of|about) (?:driving|walking|going|"
        r"heading) (?:up|out|off|down)? ?(?:there|somewhere|into the sea|into the river|"
        r"off a cliff)? ?(?:with (?:the |a |my |his )?[\w.’-]+ )?and not (?:driving|coming|"
        r"walking) (?:back|home)",
        r"(?:not|never) (?:driving|coming|walking|going) (?:back|home) (?:from there|again|"
        r"this time)",
        r"(?:thinking|thought|think) (?:about|of) (?:killing|ending|topping|offing) "
        r"(?:myself|it|things)",
        r"(?:take|taking|took) myself (?:out|away)(?! (?:for|to|of the))",
        r"(?:end|ending|finish|finishing) (?:things|it|everything)(?: off)? (?:for good|"
        r"for real|properly|once and for all|myself)",
        r"(?:want|wanted|wanting|wanna) to (?:stop|quit) (?:living|breathing|existing)",
        r"(?:thoughts?|ideas?|urges?) (?:of|about) (?:suicide|killing myself|ending my life|"
        r"ending it|dying)",
        r"(?:kind of|kinda|really|actually|half) mean it",
        r"(?:for|about|of) ending (?:it|it all|things|everything|my life)(?=[.,!?]|$| all)",
        r"(?:think|thinking|thought) about (?:\S+ ){1,10}(?:and )?(?:just )?(?:ending it|"
        r"ending it all|ending my life|killing myself)",
    ),
    # --- method: how, said as the client's own ---------------------------------------
    _phrases("method", "plan_or_means", "self")(
        rf"(?:take|taking|swallow|swallowing|down|downing|neck|necking) (?:all|every one|the "
        rf"lot) (?:of )?(?:my |the |those )?(?:\w+ )?{_PILLS} (?:at once|in one go|together|"
        rf"in one)",
    ),
    # --- intent ---------------------------------------------------------------------------
    _phrases("intent", "suicidal_ideation")(
        r"(?:actually|really|finally|definitely) (?:go|going|gonna|will|would) through with it",
        r"(?:I'll|I will|I'm going to|I'm gonna|gonna) (?:go through with it|act on it)"
        r"(?: this time| for real| soon| tonight| next time)?",
        r"(?:intend|intending|mean|meaning|plan|planning) (?:to )?(?:act on it|go through "
        r"with it)",
    ),
    # --- a past attempt ------------------------------------------------------------------
    _phrases("past_attempt", "suicidal_ideation")(
        r"(?:my|the|last|first|second) (?:attempt|suicide attempt)",
        r"(?:swallowed|took|downed|necked) (?:a whole|an entire|the whole|a full) "
        r"(?:bottle|box|pack|packet|strip|tub)",
        r"(?:hanged|hung) myself|tried (?:it|to go) (?:once|twice|before)|(?:tried|attempted) "
        r"to end it(?: all)?",
        r"(?:tried|attempted|trying) to (?:kill|hang|drown|poison|end|take) (?:myself|my "
        r"(?:own )?life)|(?:attempted|tried) suicide|made an attempt on my (?:own )?life",
    ),
    # --- non-suicidal self-injury by method, object or pronoun ---------------------------
    _phrases("nssi", "self_harm")(
        rf"{_SHARP} (?:out )?(?:of|from|off) (?:my|a|the|his|her|\w+'s) (?:pencil )?"
        rf"(?:sharpener|shaver|razor|pencil case|compass|set)",
        rf"(?:use|used|using|get|got|getting|take|took|taking) (?:the |a |my )?{_SHARP} "
        rf"(?:out )?(?:again|on (?:my|myself)|to my)",
        rf"(?:on|into|across|along|to|against) my {_BODY}(?:[,.]? (?:so|where) (?:nobody|"
        rf"no one|no-one|noone) (?:sees|can see|would see|will see))",
        rf"(?:press|pressed|pressing|hold|held|holding) (?:it|them|the (?:metal|blade|lighter|"
        rf"cigarette|end)) (?:on|onto|against|into) my {_BODY}",
        r"(?:heat|heated|heating) (?:the|a) (?:metal|blade|spoon|knife|lighter|end)",
        rf"(?:did|do|doing|done) it to my {_BODY}",
        r"(?:scratch|scratched|scratching|pick|picked|picking|pull|pulled|pulling|bang|banged|"
        r"banging|punch|punched|punching) (?:at )?(?:my (?:skin|arms?|legs?|head|face|thighs?)|"
        r"my head (?:against|on)|the wall)(?= until| till| so (?:hard|much)| to feel)",
        r"snap(?:s|ped|ping)? (?:the )?blades? out(?: of)?|(?:safety )?pin (?:from|out of) my "
        r"\w+ and (?:scratch|cut|dig)",
        r"(?:burn|burned|burnt|burning|scald|scalded) (?:myself|my \w+) (?:with|on) (?:a|the|my) "
        r"(?:lighter|cigarette|iron|kettle|hob|spoon|match|matches)",
        r"(?:cut|cuts|cutting) (?:again|lately|last night|this week|every night)",
        r"get the lighter out|(?:lighter|blade|razor) (?:out )?again",
    ),
    # slang for self-harm as such: the client's own only ("my sister's been SH-ing" is not)
    _phrases("nssi", "self_harm", "self")(
        r"(?:sh-?ing|sh'd|sh'ing|self[- ]harming|selfharming|self[- ]injuring)",
        r"(?:doing|done|did) sh\b|\bsh again|relapsed on (?:the )?sh",
    ),
    # --- homicidal ideation --------------------------------------------------------------
    _phrases("homicidal_ideation", "violence", "self")(
        r"(?:picture|picturing|pictured|imagine|imagining|imagined|fantasi[sz](?:e|ing|ed)|"
        r"dream(?:ing)? about|thinking about|think about|thought about) (?:it[.,]? )?"
        r"(?:ending|killing|hurting|stabbing|shooting|strangling|running over|burning|"
        r"poisoning|smashing|battering|doing in|getting) (?:him|her|them|that \w+|"
        r"my (?!life|own|self)\w+)",
        r"(?:ending|finishing|doing in|sorting) (?:him|her|them)(?: off| for good)?(?=[.,!]| and"
        r"| for| once| before| when)",
        r"(?:wait|waiting|waited) for (?:him|her|them) (?:in|at|outside|by|behind) (?:the |a |"
        r"his |her )?[\w -]{2,30} and",
        r"(?:make|making) (?:him|her|them) (?:suffer|pay|bleed)",
        r"(?:put|putting) (?:him|her|them|that \w+) in (?:the ground|an early grave|the hospital|"
        r"hospital|a box)|wet (?:him|her|them|man|dat man|that man) up|(?:leave|left) (?:him|"
        r"her|them) leaking|shank (?:him|her|them)|(?:merk|merked|murk|murked) (?:him|her|them)",
        r"(?:wish|wishing|want|wanting) (?:him|her|them|he|she|they) (?:dead|gone for good|to "
        r"die|were dead|was dead)",
        r"(?:not|no) (?:a figure of speech|joking|kidding|just talk)(?=.*(?:kill|hurt|end|"
        r"dead|him|her))",
    ),
    # --- physical abuse, suffered or done ------------------------------------------------
    _phrases("abuse_physical", "abuse", "agent")(
        r"(?:grabbed|grabs|grab|grabbing|held|holds|pinned|pins|had) me (?:by|round|around|"
        r"against|to|up against|down by) (?:the )?(?:neck|throat|arms?|hair|wrists?|"
        r"shoulders?|collar|wall|door|floor)",
        r"(?:pushed|pushes|shoved|shoves|threw|throws|slammed|slams|dragged|drags|flung|put|"
        r"puts) me (?:against|into|down|onto|across|out of|through|off|to the)(?! (?:a|the) "
        r"(?:car|taxi|bed|cab|bath|shower|class|team|school|home|programme|program))",
        r"(?:left|leaves|leaving) (?:marks|bruises|a bruise|a mark|me black and blue)",
        r"(?:put|puts|putting) (?:his|her|their) hands (?:on|round|around) (?:me|my)",
        r"(?:kicked|kicks|kneed|knees|headbutted|bit|bites|burned|burnt) me\b",
    ),
    _phrases("abuse_physical", "violence", "any")(
        r"(?:pushed|shoved|hit|slapped|shook|smacked|grabbed|pinched|hurt) (?:him|her|them|"
        r"my (?:dad|mum|mom|father|mother|nan|gran|son|daughter|baby|kids?|child|husband|"
        r"wife|partner)) (?:back|down|too hard|harder than|so hard|into|against|and)",
        r"harder than I (?:needed|meant|should|had) to",
        r"(?:there's|there is|he's got|she's got|left) (?:a |some )?(?:bruises?|marks?) on "
        r"(?:his|her|their) (?:arm|arms|shoulder|shoulders|face|leg|legs|back|wrist|wrists)",
    ),
    # --- sexual abuse --------------------------------------------------------------------
    _phrases("abuse_sexual", "abuse", "agent")(
        r"(?:touch|touched|touches|touching|grope|groped|gropes|feel|felt) me(?: up)?(?: under| "
        r"when| there| down there| where| in my| at night| in bed| every|[.,]|$)",
        r"(?:come|came|coming|would come|used to come) into my (?:room|bed|bedroom)",
        r"(?:did|does|do|made me do|make me do) (?:stuff|things|sexual things|that stuff) "
        r"(?:to me|when I|while I|I didn't want|I did not want)",
        r"too (?:out of it|drunk|high|asleep|wasted|young) to (?:stop (?:him|her|them|it)|say "
        r"no|fight|push (?:him|her) off)",
        r"(?:made|makes|forced|forces|pressured|pressures) me (?:to )?(?:have sex|sleep with|"
        r"touch (?:him|her)|do things|do stuff|watch)",
        r"(?:our|a) (?:little )?(?:game|secret)(?=.*(?:touch|room|bed|tell|angry|found out))",
        r"(?:was|were|been) having sex with me|had sex with me (?:when|while|after|even though|"
        r"but)|(?:didn't|did not|never) (?:say yes|consent|agree) to (?:that|it|sex)",
        r"(?:got|gets|made|makes|forced|pressured|pressures) me (?:to )?send (?:him |her |them )?"
        r"(?:pics|photos|pictures|nudes|videos)",
        r"(?:post|share|send|leak) (?:them|my pics|the pics|my photos|the photos|my nudes|the "
        r"videos?)(?= in| to| on| everywhere| online)",
    ),
    # --- emotional abuse -----------------------------------------------------------------
    _phrases("abuse_emotional", "abuse", "agent")(
        r"(?:calls?|called|calling) me (?:a |an |his |her )?(?:useless|worthless|stupid|thick|"
        r"fat|ugly|pathetic|disgusting|waste|nothing|nobody|slag|slut|whore|bitch|idiot|burden|"
        r"failure|mistake|psycho|crazy|retard|loser|freak|cow|pig)",
        r"(?:nobody|no one|no-one) (?:else )?(?:would|will|'d|'ll) (?:ever )?(?:have|want|love|"
        r"put up with) (?:me|a \w+ like me)|(?:lucky|grateful) (?:he|she) puts up with me",
        r"(?:says|said|tells|told|keeps telling|'d say|would say|will say) (?:me )?(?:that )?"
        r"I'?m (?:a |an )?(?:useless lump|lump|burden)|(?:says|said|tells|told|keeps telling) me "
        r"(?:that )?I'?m (?:a |an )?(?:waste of "
        r"space|useless|worthless|nothing|nobody|stupid|pathetic|a burden|a mistake|a failure|"
        r"disgusting|mad|crazy)",
        r"(?:says|said|tells|told) (?:me )?(?:that )?I'?(?:m| am) nothing without (?:him|her)",
        r"(?:wishes|wished|wish|says) (?:she|he|they|she'd|he'd) (?:had )?never (?:had|wanted|"
        r"adopted) me",
        r"(?:wished|wishes|wish) (?:they'?d|they had|he'?d|she'?d|you'?d) (?:left|let) me "
        r"(?:there|die|drown)",
        r"(?:screams|screamed|shouts|shouted|yells|yelled|swears) at me (?:every|all|in front|"
        r"until|for)",
        r"(?:puts?|putting) me down (?:all the time|in front|every)",
        r"(?:humiliates|humiliated|belittles|mocks|ridicules) me",
        r"(?:put|send|stick) me in a home (?:where|and)",
    ),
    # --- financial abuse -----------------------------------------------------------------
    _phrases("abuse_financial", "abuse", "agent")(
        rf"(?:takes?|took|taking|has|had|keeps|kept|got|controls|holds|hold) (?:my |all my |"
        rf"(?:dad|mum|mom|nan|gran)'s |the )?(?:whole |entire )?{_MONEY}(?=[.,!]|$| now| off|"
        rf" away| and| so| every| all| too| also| because| for)(?!.*(?:my idea|we agreed|we "
        rf"decided|together|I asked (?:him|her)))",
        r"(?:goes|go|gone|paid|paying) (?:straight )?(?:in|into|to) (?:his|her|their) "
        r"(?:account|pocket|bank)",
        r"(?:gives|give|allows|lets me have) me (?:(?:£|\$|€)?\d+|twenty|ten|fifty|a few) "
        r"(?:quid|pounds|dollars|euros|bucks)? ?(?:a|per|each) (?:week|day|month)",
        r"(?:have|has|had) to (?:ask|beg) (?:him|her|them) (?:for|before) (?:money|the bus "
        r"money|anything|cash)",
        r"(?:show|shows|showing) (?:him|her|them) (?:the )?(?:receipts|tickets|statements)",
        r"(?:had|taken|took|taking|withdrawn|withdrew|been taking) (?:about |over |nearly )?"
        r"(?:£|\$|€)?\d[\d,]*(?:k| grand| thousand)? (?:out|from)",
        r"(?:never|nothing) (?:anything )?left (?:by|at the end of|before)",
        r"(?:made|makes|forced|forces) me (?:sign|take out|put) (?:over|a loan|the house)",
        r"draw(?:s|ing)? out (?:her|his|my) (?:pension|benefits|money)|(?:been )?taking "
        r"(?:money )?from (?:her|his|my (?:mum|mother|mom|dad|father|nan|gran)'?s?) (?:\w+ )?"
        r"(?:account|pension|savings|card|purse|wallet)",
        r"(?:taking|takes|took|keeps) (?:half|most|all|a cut|a share) (?:of )?(?:my|her|his) "
        r"(?:salary|wages|pay|money|pension)",
    ),
    # --- coercive control ----------------------------------------------------------------
    _phrases("coercive_control", "abuse", "agent")(
        r"(?:checks|checked|checking|reads|read|goes through|went through|tracks|tracked|"
        r"monitors) (?:my|the|all my|all the) (?:phone|messages|texts|emails|location|bank|"
        r"post|mail|whatsapps?|calls)",
        r"(?:won't|doesn't|will not|does not|never) let me (?:see|go|leave|have|work|talk|"
        r"phone|call|visit|out|drive|keep)",
        r"(?:has|took|takes|taken|keeps|kept|hides|hid) my (?:passport|phone|keys|car keys|"
        r"documents|papers|id|visa)",
        r"if I (?:leave|left|ever leave) (?:him|her)[,.]? (?:he|she)(?:'ll| will|'d| would) "
        r"(?:take|have|tell|report|kill|hurt|make sure|get)",
        r"(?:threatens?|threatened|threatening) to (?:take|have) (?:the kids|the children|"
        r"my (?:son|daughter|baby|kids))",
        r"(?:never|not) (?:allowed|let) (?:out|to go out|to see my|to have)",
        r"(?:tells|decides|chooses) (?:me )?what I (?:can|can't|wear|eat|spend)",
    ),
    # --- neglect -------------------------------------------------------------------------
    _phrases("neglect", "abuse", "any")(
        r"(?:don't|didn't|do not|did not|can't|couldn't) (?:go in|go up|check on|feed|change|"
        r"wash|see to|look in on) (?:to )?(?:him|her|them|the baby|the kids|my (?:dad|mum|"
        r"mom|son|daughter))",
        r"(?:same|dirty|wet|soiled) (?:pad|nappy|diaper|clothes|sheets) (?:from|all|since|"
        r"for|till)",
        r"(?:only|just|nothing but) (?:tea and (?:crackers|toast|biscuits)|crackers) in the "
        r"(?:house|cupboard|fridge)|no food in the (?:house|fridge|cupboards)",
        r"(?:forgets|forgot|forgetting|doesn't|didn't) (?:to )?(?:collect|get|give|pick up) "
        r"(?:me )?my (?:tablets|pills|medication|meds|prescription|insulin|inhaler)",
        r"(?:go|went|going) without my (?:\w+ )?(?:tablets|pills|medication|meds|food|meals|"
        r"insulin)",
        r"(?:got|get|wandered|wander) out (?:the front door|of the house|on his own|on her own)"
        r"(?=.*(?:nappy|road|found|night|alone|police))",
        r"(?:left|leave|leaving) (?:him|her|them|the baby|the kids|my (?:son|daughter|baby)) "
        r"(?:alone|on (?:his|her|their) own|in the car|without (?:food|anyone))",
        r"(?:haven't|hasn't|didn't|not|never) (?:fed|been feeding|washed|bathed|changed) (?:the "
        r"kids|the baby|the children|my (?:kids|son|daughter|baby|children|mum|mom|dad)|him|"
        r"her|them)(?: properly)? (?:for|in) (?:days|a week|weeks|two days|three days)",
        r"no food in(?=[.,!]|$)",
        r"(?:leaves|left|leaving) me (?:sitting |lying )?(?:wet|soiled|in (?:my|a) (?:wet|dirty|"
        r"soiled)|without (?:food|water|my tablets|help)|alone all day|in the dark)",
        # basic needs unmet: heat, power, food, medicine, care
        r"(?:electric|electricity|gas|heating|meter|power)(?:'s| has| is| had)? (?:been )?"
        r"(?:run out|ran out|off|cut off)(?= for| since| again| and| all|[.,!]|$)|(?:not|hasn't|"
        r"hadn't|never) (?:topped|put money) (?:it )?(?:up|on)|turns? the heating off",
        r"(?:tablets|pills|meds|medication|insulin|inhaler|prescription)(?: have| has)? (?:ran|"
        r"run) out(?= a| two| three| last| on| and| days| weeks| since|[.,!]|$)",
        r"(?:haven't|hasn't|didn't|not) (?:had|eaten) (?:a )?(?:proper )?(?:meal|anything|"
        r"food|dinner|tea)(?: hot)? (?:for|since|in) (?:days|a week|two days|three days|"
        r"monday|tuesday|wednesday|thursday|friday|saturday|sunday)",
        r"so (?:I|we|he|she) (?:don't|doesn't) get hungry|(?:nobody|no one|no-one) (?:comes?|"
        r"came|has been|'s been) (?:round|in|by|to (?:help|wash|feed|see))",
        r"(?:doesn't|don't|didn't) come (?:round|home|back) for (?:days|a week|two days|"
        r"nights)|(?:hasn't|haven't) been (?:home|back|round) (?:for|since|in) (?:days|a week)",
    ),
    # --- access to weapons that says danger by itself ---------------------------------------
    _phrases("weapon_access", "violence", "any")(
        r"loaded (?:gun|shotgun|rifle|pistol|handgun|revolver|firearm)",
        r"(?:gun|shotgun|rifle|pistol|handgun|revolver|glock)(?:'s| is)? (?:behind|under|in) "
        r"(?:the|my) (?:seat|truck|car|ute|glovebox|mattress)(?! for (?:hunting|work|sport))",
        r"(?:shank|machete|zombie knife|flick knife|flick-knife|switchblade|knuckle duster)"
        r"(?:'s| is)? (?:in|under) (?:my|the) (?:room|mattress|bed|bag|car|drawer|pocket)",
        r"(?:a |the )?(?:shank|machete|zombie knife) (?:in|under) (?:my|the) (?:room|mattress)",
        r"(?:gun|shotgun|rifle|pistol|handgun|revolver) (?:under|in) (?:the|my|his|her|our) "
        r"(?:bed|pillow|nightstand|bedside (?:table|drawer)|glovebox)",
    ),
    # --- preparatory acts that say what they are for -------------------------------------
    _phrases("preparatory_acts", "plan_or_means", "any")(
        rf"(?:keeping|kept|keep|holding|held|putting|put) (?:back|aside|by) (?:the |my |some |"
        rf"all (?:of )?my )?(?:\w+ )?{_PILLS}",
        rf"(?:wrote|written|writing|left|leaving) (?:a |some |the )?(?:letters?|notes?|"
        rf"goodbyes?|cards?) (?:to|for) {_KIN},? (?:for after|for afterwards|for when I'?m gone|"
        rf"in case)",
        r"for (?:after I'?m gone|when I'?m (?:gone|not here|not around)(?: any ?more)?)",
    ),
    # --- overdose as an event ------------------------------------------------------------
    _phrases("overdose_event", "overdose", "self")(
        r"(?:took|swallowed|downed|necked|had)(?:,? like,?)? (?:a|the) (?:whole|entire|full) "
        r"(?:bottle|box|pack|packet|strip|tub) of",
        rf"(?:took|swallowed|downed|necked|had) (?:all|every one|the lot|a load|loads|a "
        rf"handful|handfuls|a bunch|too many|twenty|thirty|forty|\d+) (?:of )?(?:the |my |those "
        rf")?(?:\w+ )?{_PILLS}",
        rf"(?:woke up|came round|came to|came back|woke) (?:in|on) {_HOSPITAL}",
        r"(?:had to|had) (?:jab|hit|give|dose|spray) me with (?:the )?(?:naloxone|narcan)|"
        r"(?:naloxone|narcan)(?:ed)? me",
        rf"(?:went|gone|go) over on (?:the )?{_DRUGS}",
        r"(?:I'd|I had|I'd gone|had gone|went|turned|was) (?:gone )?blue",
        r"(?:paramedics?|ambulance crew|an ambulance) (?:over|working on|had to) me",
        r"(?:stomach|my stomach) (?:pumped|washed)|put on a drip",
    ),
    # --- intoxication as an event --------------------------------------------------------
    _phrases("intoxication_event", "overdose", "self")(
        rf"{_DRINK}.{{0,80}}(?:blacked out|passed out|out cold|went under|collapsed|"
        rf"was gone|just went|unconscious)",
        rf"(?:blacked out|passed out|out cold|collapsed).{{0,60}}{_DRINK}",
        r"drank (?:till|until|so much) (?:I|that I) (?:blacked|passed|threw up|couldn't|was "
        r"sick|collapsed)",
        r"woke up (?:on|in) (?:the |a )?(?:bathroom |kitchen |hallway )?(?:floor|ambulance|"
        r"gutter|street|park)(?=.*(?:remember|drunk|drink|vodka|don't know))",
        r"(?:don't|do not|can't|cannot) remember (?:getting (?:there|home)|any of it|anything "
        r"after|how I got)",
        # the event told by where one woke or was found, or by what was done while gone
        r"wo(?:ke|ken) up (?:in|on|at|behind|under|next to) (?:someone's|some|a|an|the|my) "
        r"[^.!?]{2,40}?(?:no idea|don't know (?:whose|how|where)|didn't know (?:whose|how|"
        r"where)|(?:don't|can't|couldn't) remember|no shoes|engine (?:still )?running|with a "
        r"tube)",
        r"(?:they|someone|police|security|paramedics|my mates?|a stranger|the bouncers?) "
        r"(?:found|find) me (?:passed out|out cold|unconscious|face down|in the|on the|behind|"
        r"under|slumped)",
        r"(?:drove|driving|drive|driven) (?:home |back )?(?:\w+ )?(?:drunk|pissed|hammered|"
        r"high|wasted|off my face|over the limit)|(?:don't|can't|didn't) remember (?:the drive|"
        r"driving|getting in (?:it|the car)|leaving)",
        r"(?:in|into) the recovery position|(?:fitting|having a fit) (?:on|in) the",
    ),
)

# Phrases that say a risk only when the dialogue is already about one (a disclosure or a
# clinician's risk question a few lines before, see ``core.notes.risk_dialogue``): "I've
# thought it through", "which Sunday", "I wrote to my sister", "the gun's in the safe".
IN_CONTEXT: tuple[Phrase, ...] = (
    # --- intent: "I'll do it" says what "it" is only in a conversation about dying --------
    _phrases("intent", "suicidal_ideation")(
        r"(?:actually|really|finally|definitely) (?:go|going|gonna|will|would) do it",
        r"(?:I'll|I will|I'm going to|I'm gonna|gonna) do it(?: this time| for real| soon| "
        r"tonight| next time)?",
        r"(?:intend|intending|mean|meaning|plan|planning) (?:to )?do it",
    ),
    # --- plan: a place, a time, an act ---------------------------------------------------
    _phrases("plan", "plan_or_means")(
        r"(?:thought|worked|figured|planned) it (?:all )?(?:through|out)",
        r"(?:which|what) (?:day|night|date|time|sunday|monday|tuesday|wednesday|thursday|"
        r"friday|saturday|weekend)(?: (?:I'd|I would|I'll|to))?",
        r"where I'?d (?:leave|park|put) (?:the car|the van|the truck|my car|the note|it)",
        r"(?:a )?good (?:spot|place) (?:for it|to do it)|(?:it'?d|it would) be a good spot",
        r"(?:top|roof) (?:deck|floor|level|storey) of (?:the|a) (?:multistorey|car park|"
        r"parking garage|building|hospital|flats)",
        r"(?:do|take|swallow) (?:the lot|them all|it all|all of them|everything) (?:in one go|"
        r"at once|together|in one)",
        r"(?:score|buy|get|save up for) a (?:bigger|big|huge|massive) (?:bag|batch|load)",
        r"(?:after|before|once) (?:my|the) (?:last exam|final exam|exams|funeral|court|"
        r"wedding|birthday|anniversary|kids are (?:asleep|at school|grown))",
        r"(?:know|decided|chosen|picked) (?:how|when|where) (?:I'd|I would|I'll|I will|I'm "
        r"going to|to) (?:do it|go|end it)",
    ),
    # --- preparatory acts ----------------------------------------------------------------
    _phrases("preparatory_acts", "plan_or_means")(
        rf"(?:wrote|written|writing|write|left|leaving) (?:a |some |two |the )?(?:letters?|"
        rf"notes?|something|goodbyes?|a goodbye|messages?) (?:to|for) {_KIN}",
        rf"(?:wrote|written|writing) (?:to|for) {_KIN}(?:[.,] (?:and|one) (?:one )?to)?",
        r"(?:gave|giving|given|give|handed) (?:away )?(?:my |our |the )?(?:dog|cat|guitar|"
        r"things|stuff|belongings|pets?|records|books|rings?|watch|medals) (?:away|to "
        r"(?:the|my|a|his|her) [\w’ -]{2,30}|away)",
        r"(?:gave|giving|given|give|handed) (?:away )?(?:my |our |the )?(?:gear|bike|car|\w+) "
        r"(?:away|to (?:the|my|a|his|her) [\w’ -]{2,30})(?=.*(?:told|telling|said|saying|"
        r"travelling|going away|won't need|don't need|just in case|for good))",
        r"(?:sorted|sorting|made|making|updated|updating|wrote|writing|done) (?:out )?(?:my |"
        r"a )?(?:will|funeral|life insurance|affairs|passwords|bank details)",
        r"(?:where|what) (?:the|all the|my) (?:house|bank|insurance|money|funeral) (?:stuff|"
        r"papers|details|things) (?:is|are)",
        rf"(?:saving|saved|stockpiling|stockpiled|hoarding|hoarded|keeping|kept|hiding|hid|"
        rf"hidden|stashing|stashed|collecting|collected|putting aside|put aside|squirrelling) "
        rf"(?:up |away |aside )?(?:my |the |some |all (?:of )?(?:my |the )?|extra )?{_PILLS}",
        rf"(?:stopped taking|not taking|pretend to take|pretending to take) (?:my |the )?"
        rf"{_PILLS}(?=.*(?:sav|keep|kept|hid|stash|sock|drawer|box|tin))",
        rf"(?:in|under|inside) (?:a|my|the) (?:sock|drawer|tin|box|shoebox|bag)(?=.*{_PILLS})",
        r"(?:looking|looked|look|searching|searched|googling|googled|researching|researched|"
        r"reading up) (?:things |stuff )?(?:up )?(?:online |late at night )?(?:how|ways|methods|"
        r"what would|how many|how much|whether it)",
        rf"how (?:many|much) (?:of )?(?:my |the |those )?{_PILLS} (?:it'?d|it would|would|"
        rf"I'?d need to|to) (?:take|kill|do it)",
        r"(?:bought|buying|got|getting|ordered) (?:a |some )?(?:rope|hose|hose ?pipe|charcoal|"
        r"a gun|bullets|ammo|helium)(?! for (?:the|my) (?:garden|shed|camping|bbq|barbecue))",
    ),
    # --- access to weapons, when the client says it as theirs ----------------------------
    _phrases("weapon_access", "violence", "self")(
        r"(?:I've got|I have|I've still got|I still have|I got|there's|there is|we've got|"
        r"we have|keep|kept|keeping) (?:my |a |the |our |\w+'s )?(?:grandad's |dad's |"
        r"father's |uncle's |brother's |husband's |hunting |old )?(?:shotgun|rifle|pistol|"
        r"handgun|revolver|gun|guns|firearm|crossbow|\.\d{2,3}(?:-\d{2})?|\d\d? ?mm|glock)"
        r"(?=.*(?:cabinet|safe|nightstand|drawer|house|home|room|car|truck|key|loaded|ammo|"
        r"bullets|under|in the|at the))",
        r"(?:gun|rifle|shotgun) (?:safe|cabinet|cupboard|locker)|(?:the )?pistol in (?:the|my) "
        r"(?:nightstand|drawer|glovebox|car|bag)",
        r"(?:still )?(?:got|have) the key(?: to (?:the|it))? on (?:my|the) (?:ring|keyring|"
        r"chain)",
    ),
    _phrases("nssi", "self_harm")(
        rf"(?:just|only|mostly) (?:my|the) {_BODY}(?:[.,]|$| where| so| because)",
        rf"(?:on|into|across|along|to|against) my {_BODY}",
        r"(?:since|last) (?:sunday|monday|tuesday|wednesday|thursday|friday|saturday|night|"
        r"week)|(?:a couple of|two|three|a few) times (?:a|last) week|(?:twice|once) last week",
    ),
)

"""Small built-in word lists, used for a language whose corpus folder has no ``words.txt``.

Enough for the spellcheck to work out of the box on short, simple texts; the corpus files
(simulators/corpus/<lang>/words.txt and corrections.tsv) are what a real run should use.
"""

from __future__ import annotations

FALLBACK_WORDS: dict[str, str] = {
    "en": """
the be to of and a in that have i it for not on with he as you do at this but his by from
they we say her she or an will my one all would there their what so up out if about who get
which go me when make can like time no just him know take people into year your good some
could them see other than then now look only come its over think also back after use two how
our work first well way even new want because any these give day most us is are was were been
has had did said very much many more more every school student students teacher teachers class
essay write writing read reading book books learn learning language languages english swedish
home family friend friends mother father sister brother grandmother grandfather life world city
country summer winter spring autumn week weeks month months morning evening night today tomorrow
yesterday always often sometimes never really quite too also still already again here where why
believe think feel felt thought know knew because while during before after until since although
though however therefore important different difficult easy hard great small big long short old
young best better worst worse happy sad proud tired interesting boring beautiful many few little
lot lots thing things something anything nothing everything someone everyone people person child
children man woman men women water food garden tree trees flower flowers plant plants animal
animals dog cat bird zoo zoos sleep night phone phones media social internet computer electricity
light house room school uniform uniforms homework hero trip travel travelled visit visited went
go goes going gone come came coming run ran play played playing made make makes making help helped
grow grew grown growing need needed needs take took taken give gave given find found keep kept
should must may might shall let put set show shows showed try tried tries start started begin
began stop stopped change changed climate future past present problem problems reason reasons
example first second last next own same such each both either neither whole part parts place
question answer idea ideas opinion agree disagree true false right wrong high low open close
together alone able enough least less more most much number way ways side end away around
under above between through across against without within along toward towards among upon
""",
    "sv": """
och i att det som en på är av för med till den har de inte om ett han men var jag sig från
vi så kan man när år säger hon under också efter eller nu sin där vid mot ska skulle kommer
ut får finns vara hade alla andra mycket än här då sedan över bara in blir upp även vad få två
vill ha många hur mer går sina något utan sitt kan jag du min mitt mina mig dig oss er era
skola skolan elev elever lärare lärarna klass klassen uppsats text skriva skriver läsa läser
bok böcker lära lär språk svenska engelska hem familj familjen vän vänner mamma pappa syster
bror mormor morfar farmor farfar liv livet världen stad land sommar vinter vår höst vecka veckor
månad dag dagar morgon kväll natt idag imorgon igår alltid ofta ibland aldrig verkligen ganska
också fortfarande redan igen tror tycker känner tänker vet visste eftersom medan innan före
tills sedan fast dock därför viktigt viktig olika svårt svår lätt stor stort liten litet lång
kort gammal ung bäst bättre glad ledsen stolt trött intressant tråkig vacker vackert sak saker
något ingenting allting någon alla människor människa barn vatten mat trädgård träd blomma
blommor djur hund katt fågel sova sömn telefon internet dator ljus hus rum läxor hjälte resa
besök gick gå går kom komma spela spelade göra gör gjorde hjälpa växa behöver behövde ta tog
ge gav hitta hittade börja började sluta slutade förändring klimat framtid problem anledning
exempel första andra sista nästa samma hela del plats fråga svar idé åsikt håller sant fel rätt
""",
}

FALLBACK_CORRECTIONS: dict[str, dict[str, str]] = {
    "en": {
        "beleive": "believe",
        "becuase": "because",
        "realy": "really",
        "recieve": "receive",
        "freind": "friend",
        "freinds": "friends",
        "definately": "definitely",
        "alot": "a lot",
        "wich": "which",
        "teh": "the",
    },
    "sv": {
        "eftersm": "eftersom",
        "mycke": "mycket",
        "bätre": "bättre",
        "intresant": "intressant",
    },
}

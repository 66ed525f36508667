"""The demo's applications, one or more in every lifecycle state, each with the history that led
there: the steps the people took, when (Swedish time), and what they wrote. Loading performs these
steps through the lifecycle engine, so every record a state implies exists because the step made it."""

from __future__ import annotations

from .steps import DemoApplication, Step, decided, grant, stages

T, P, C = "teacher@example.org", "principal@example.org", "coordinator@example.org"
LENA, AMIR, KARIN = "lena.sjoberg@example.org", "amir.haddad@example.org", "karin.holm@example.org"
OSKAR, MAJA, NILS = "oskar.falk@example.org", "maja.korhonen@example.org", "nils.ahlgren@example.org"
EVA = "eva.strand@example.org"


_CONFIRMED = "confirmed"

APPLICATIONS = [
    DemoApplication(
        "Hållbart entreprenörskap med våra nordiska vänorter",
        "NPJ-DEVELOPMENT",
        "2027-R1",
        "Solna Gymnasium",
        T,
        "2026-10-05 10:00",
        team=(LENA,),
        partners=(("gladsaxe", _CONFIRMED), ("ski", _CONFIRMED), ("pirkkala", "interested"), ("valmiera", "contacted")),
        sentences=(
            "Elever i Solna och våra vänorter utvecklar affärsidéer som gör staden mer hållbar.",
            "Behovet: många elever saknar erfarenhet av att omsätta idéer i handling tillsammans med andra.",
            "Eleverna presenterar sina affärsplaner för erfarna entreprenörer i varje vänort.",
        ),
        answers="idea",
        english_title="Sustainable entrepreneurship with our Nordic twin towns",
        steps=stages("2026-10-19", by=T),
    ),
    DemoApplication(
        "YEPSA 2 – unga européer för hållbar handling",
        "KA220-SCH",
        "2027-R1",
        "Solna Gymnasium",
        T,
        "2026-09-07 09:00",
        partners=(("praha", _CONFIRMED), ("gladsaxe", _CONFIRMED), ("wolfsburg", _CONFIRMED), ("poprad", _CONFIRMED)),
        sentences=(
            "Eleverna i fem gymnasieskolor arbetar med FN:s globala mål för hållbar utveckling i sin egen närmiljö.",
            "Vi bygger vidare på YEPSA (2020–2023), där elever från Solna, Prag, Gladsaxe, Wolfsburg och Poprad "
            "kartlade klimatfrågor i sina städer.",
            "Varje skola driver ett lokalt förändringsprojekt som eleverna själva väljer, planerar och utvärderar.",
            "Lärarna utvecklar tillsammans ett ämnesövergripande arbetssätt för samhällskunskap, naturkunskap och "
            "engelska.",
            "Resultaten sprids via eTwinning, skolornas webbplatser och en gemensam konferens i Solna.",
            "Projektet stärker elevernas förmåga att påverka i viktiga samhällsfrågor och att samarbeta över "
            "språkgränser.",
            "Vi mäter effekterna med enkäter före och efter, elevernas portfolior och lärarnas gemensamma observationer.",
            "Alla möten planeras så att resor sker med tåg där det går, och digitala möten ersätter resor när det räcker.",
        ),
        english_title="YEPSA 2 – Young European Partnerships for Sustainable Action",
        steps=stages("2026-09-21", "2026-10-12", by=T),
    ),
    DemoApplication(
        "Metodutveckling för idrottsgymnasier i Europa",
        "KA210-SCH",
        "2027-R1",
        "Solna Gymnasium",
        LENA,
        "2026-09-14 13:00",
        team=(T,),
        partners=(("bologna", _CONFIRMED),),
        sentences=(
            "Idrottslärare i Solna och Bologna jämför hur de kombinerar elitidrott och studier.",
            "Vi vill minska antalet elever på idrottsprogrammet som inte når en gymnasieexamen.",
            "Lärarna skuggar varandra en vecka per skola och prövar sedan nya metoder i sina egna klasser.",
            "Resultaten samlas i en metodbank som delas med Riksidrottsgymnasier och andra skolor.",
        ),
        english_title="Developing methods at European sports upper secondary schools",
        steps=(
            *stages("2026-09-28", "2026-10-12", "2026-11-02", by=LENA),
            Step("2026-11-25 16:10", LENA, "send_to_principal"),
        ),
    ),
    DemoApplication(
        "Språk och inkludering i grundskolan", "KA122-SCH", "2027-R1", "Ulriksdalsskolan", AMIR, "2026-11-16 08:30"
    ),
    DemoApplication(
        "Läsglädje med Valmiera",
        "NPJ-MOBILITY",
        "2026-R1",
        "Bergshamraskolan",
        OSKAR,
        "2025-11-10 10:00",
        partners=(("valmiera", _CONFIRMED),),
        sentences=(
            "Elever i årskurs 5 i Solna och Valmiera läser samma böcker och skriver till varandra.",
            "Klasserna besöker varandra en vecka var och håller bokcirklar på engelska.",
            "Skolbiblioteken i båda städerna väljer böckerna tillsammans med eleverna.",
        ),
        steps=(
            *stages("2025-11-24", "2025-12-08", "2026-01-12", by=OSKAR),
            *decided("2026-01-19 14:00", "2026-01-20 08:15", writer=OSKAR, principal=OSKAR),
            # Nordplus states no format for its IDs in our sources: the demo's are plain numbers.
            Step("2026-01-27 15:40", OSKAR, "register_submission", details={"reference": "NPJ-2026-10461"}),
            grant(
                "2026-05-29 11:00", OSKAR, 14200, "NPJ-2026-10461", "2026-08-01/2027-06-30", "2027-07-30", public=True
            ),  # Nordplus keeps the application's ID
            Step("2026-08-03 09:00", OSKAR, "start_project"),
        ),
    ),
    DemoApplication(
        "Ackrediterad mobilitet 2026 för grundskolorna",
        "KA121-SCH",
        "2026-R1",
        "Ulriksdalsskolan",
        KARIN,
        "2025-12-01 09:00",
        sentences=(
            "Lärare i Ulriksdalsskolan jobbskuggar kollegor i Europa för att utveckla undervisningen i svenska "
            "som andraspråk.",
            "Elever i årskurs 8 gör korta utbyten med skolor i våra vänorter.",
            "Varje mobilitet följs upp i arbetslagen och i skolans Erasmusplan.",
        ),
        steps=(
            *stages("2025-12-15", "2026-01-12", "2026-02-02", by=KARIN),
            *decided("2026-02-09 10:00", "2026-02-10 08:00", writer=KARIN, principal=KARIN),
            Step("2026-02-12 10:05", KARIN, "register_submission", details={"reference": "KA121-SCH-5B2E7A90"}),
            grant(
                "2026-05-27 14:00",
                C,
                98750,
                "2026-1-SE01-KA121-SCH-000213875",
                "2026-06-01/2027-08-31",
                "2027-10-30",
                interim_report_due="2027-01-31",
                public=False,
            ),
        ),
    ),
    DemoApplication(
        "Klimatsmart skolmat med Gladsaxe",
        "KA210-SCH",
        "2027-R1",
        "Solna Gymnasium",
        T,
        "2026-09-01 09:00",
        team=(LENA,),
        partners=(("gladsaxe", _CONFIRMED),),
        sentences=(
            "Elever i Solna och Gladsaxe undersöker hur skolmaten kan få ett mindre klimatavtryck.",
            "Eleverna intervjuar kockar, räknar på matsvinn och provlagar nya rätter tillsammans.",
            "Skolrestaurangerna i båda städerna prövar elevernas förslag under en vecka var.",
        ),
        steps=(
            *stages("2026-09-15", "2026-09-29", "2026-10-20", by=T),
            Step("2026-11-09 15:00", T, "send_to_principal"),
            Step(
                "2026-11-12 09:20",
                P,
                "request_changes",
                comment="Bra upplägg! Beskriv tydligare vad eleverna själva gör i varje aktivitet, och hur "
                "skolrestaurangen tar hand om resultaten efter projektet.",
                remark=(
                    "activities",
                    "Här behöver vi se elevernas egen roll i varje aktivitet, inte bara lärarnas.",
                ),
            ),
        ),
    ),
    DemoApplication(
        "Skolbibliotek i nordiskt nätverk",
        "NPJ-NETWORK",
        "2027-R1",
        "Solna Gymnasium",
        LENA,
        "2026-08-24 10:00",
        team=(T,),
        partners=(("pirkkala", _CONFIRMED), ("ski", _CONFIRMED)),
        sentences=(
            "Skolbibliotekarier i Solna, Pirkkala och Nordre Follo delar sina bästa sätt att väcka läslust.",
            "Nätverket möts två gånger per termin, digitalt och på plats i varje stad.",
            "Resultaten blir en gemensam lista över metoder som alla skolbibliotek kan använda.",
        ),
        steps=(
            *stages("2026-09-07", "2026-09-28", "2026-10-26", by=LENA),
            *decided("2026-11-16 13:00", "2026-11-18 10:30", writer=LENA, principal=P),
        ),
    ),
    DemoApplication(
        "Matematik utomhus med Valmiera",
        "KA210-SCH",
        "2027-R1",
        "Vänortsskolan",
        MAJA,
        "2026-09-02 09:00",
        team=(NILS,),
        partners=(("valmiera", _CONFIRMED),),
        sentences=(
            "Lärare i Solna och Valmiera utvecklar matematiklektioner som hålls utomhus.",
            "Eleverna mäter, räknar och uppskattar i skolgården, i parken och i skogen.",
            "Lärarna filmar lektionerna och delar dem med varandra för gemensam reflektion.",
        ),
        steps=(
            *stages("2026-09-16", "2026-10-07", "2026-11-04", by=MAJA),
            *decided("2026-11-20 14:00", "2026-11-23 09:00", writer=MAJA, principal=NILS),
        ),
    ),
    DemoApplication(
        "Förberedande besök i Pirkkala",
        "NPJ-PREPARATORY-VISIT",
        "2026-R2",
        "Vänortsskolan",
        MAJA,
        "2026-08-17 10:00",
        partners=(("pirkkala", _CONFIRMED),),
        sentences=(
            "Två lärare besöker Pirkkalan yhteiskoulu för att planera ett gemensamt elevutbyte.",
            "Under besöket bestämmer skolorna tema, tidsplan och hur eleverna ska förberedas.",
        ),
        steps=(
            *stages("2026-08-24", "2026-08-31", "2026-09-07", by=MAJA),
            *decided("2026-09-14 11:00", "2026-09-16 08:30", writer=MAJA, principal=NILS),
            Step("2026-09-18 13:00", C, "sign_off"),
            Step("2026-09-28 14:10", MAJA, "register_submission", details={"reference": "NPJ-2026-20317"}),
        ),
    ),
    DemoApplication(
        "Utomhuspedagogik med Gladsaxe",
        "KA210-SCH",
        "2026-R1",
        "Ulriksdalsskolan",
        AMIR,
        "2025-12-08 09:00",
        partners=(("gladsaxe", _CONFIRMED),),
        sentences=(
            "Lärare i Solna och Gladsaxe prövar hur fler lektioner kan hållas utomhus året runt.",
            "Varje skola planerar en utomhusvecka som den andra skolans lärare besöker.",
        ),
        steps=(
            *stages("2026-01-12", "2026-01-26", "2026-02-09", by=AMIR),
            *decided("2026-02-23 15:00", "2026-02-25 08:00", writer=AMIR, principal=KARIN),
            Step("2026-03-03 09:20", AMIR, "register_submission", details={"reference": "KA210-SCH-7C41D2E5"}),
            Step("2026-06-11 10:00", C, "record_reserve_list"),
        ),
    ),
    DemoApplication(
        "Unga européer för hållbar handling",
        "KA220-SCH",
        "2026-R1",
        "Solna Gymnasium",
        T,
        "2025-11-03 09:00",
        partners=(("praha", _CONFIRMED), ("gladsaxe", _CONFIRMED), ("wolfsburg", _CONFIRMED), ("poprad", _CONFIRMED)),
        sentences=(
            "Elever i fem städer arbetar med klimatfrågor i sin egen närmiljö.",
            "Projektet bygger vidare på YEPSA (2020–2023).",
            "Eleverna presenterar sina förslag för politiker i varje stad.",
        ),
        steps=(
            *stages("2025-11-24", "2025-12-15", "2026-02-02", by=T),
            *decided("2026-02-24 16:00", "2026-02-26 08:30", writer=T, principal=P),
            Step("2026-03-04 10:12", T, "register_submission", details={"reference": "KA220-SCH-2F9B61C4"}),
            Step(
                "2026-07-02 13:30",
                T,
                "record_rejection",
                details={
                    "score": 58,
                    "feedback": "Relevant och väl förankrad idé. Arbetspaketen behöver tydligare mål som går att "
                    "mäta, och budgeten för spridningen är svagt motiverad.",
                },
            ),
        ),
    ),
    DemoApplication(
        "Lärare skuggar lärare i Valmiera",
        "KA122-SCH",
        "2026-R1",
        "Bergshamraskolan",
        OSKAR,
        "2025-12-15 10:00",
        partners=(("valmiera", _CONFIRMED),),  # the host school of the job shadowing
        sentences=(
            "Sex lärare jobbskuggar kollegor i Valmiera en vecka var.",
            "Lärarna tar med sig nya sätt att arbeta med läsförståelse tillbaka till sina klasser.",
        ),
        steps=(
            *stages("2026-01-08", "2026-01-15", "2026-02-02", by=OSKAR),
            *decided("2026-02-09 10:00", "2026-02-10 07:45", writer=OSKAR, principal=OSKAR),
            Step("2026-02-16 13:30", OSKAR, "register_submission", details={"reference": "KA122-SCH-9D3A0B71"}),
            grant(
                "2026-05-22 10:00",
                OSKAR,
                23480,
                "2026-1-SE01-KA122-SCH-000187342",
                "2026-06-01/2026-11-30",
                "2027-01-29",
                public=True,
            ),
            Step("2026-06-01 08:00", OSKAR, "start_project"),
            Step(
                "2026-11-30 15:00",
                OSKAR,
                "close_project",
                details={
                    "summary": "Sex lärare från Bergshamraskolan jobbskuggade kollegor i Valmiera under hösten "
                    "2026. De har prövat nya sätt att arbeta med läsförståelse i sina klasser och delat dem med "
                    "hela skolan på två studiedagar.",
                    "public": True,
                },
            ),
        ),
    ),
    # The municipality applies itself: a school development project is the school authority's to coordinate.
    DemoApplication(
        "Läsande skolor runt Östersjön",
        "KA240-SCH",
        "2027-R1",
        "Solna stad, utbildningsförvaltningen",
        EVA,
        "2026-11-16 10:00",
        sentences=(
            "Solna stad och skolhuvudmän i våra vänorter utvecklar tillsammans hur skolorna arbetar med läsförståelse.",
            "Behovet: allt fler elever i årskurs 4–6 läser för lite för att förstå texter i alla ämnen.",
        ),
        answers="idea",
    ),
    DemoApplication(
        "Klassutbyte med Pirkkala",
        "NPJ-MOBILITY",
        "2027-R1",
        "Ulriksdalsskolan",
        AMIR,
        "2026-09-21 09:00",
        partners=(("pirkkala", "interested"),),
        sentences=("Klass 7B i Solna och en klass i Pirkkala besöker varandra och arbetar med vänortens historia.",),
        answers="idea",
        steps=(
            *stages("2026-10-05", by=AMIR),
            Step(
                "2026-11-10 11:00",
                AMIR,
                "withdraw",
                comment="Partnerskolan i Pirkkala kan inte ta emot en klass läsåret 2027/28. Vi söker igen nästa år.",
            ),
        ),
    ),
    DemoApplication(
        "Elevutbyte med Wolfsburg",
        "KA122-SCH",
        "2027-R1",
        "Solna Gymnasium",
        LENA,
        "2026-09-28 10:00",
        sentences=(
            "Elever i tyska på Solna Gymnasium gör ett två veckors utbyte med en skola i Wolfsburg.",
            "Eleverna bor i värdfamiljer och följer undervisningen på skolan.",
        ),
        steps=(
            *stages("2026-10-12", "2026-10-19", "2026-10-26", by=LENA),
            Step("2026-11-02 14:00", LENA, "send_to_principal"),
            Step(
                "2026-11-05 08:40",
                P,
                "decline",
                comment="Skolan söker inte KA122 i år: vi prioriterar partnerskapet med Bologna och har inte lärare "
                "som kan följa med på resorna läsåret 2027/28.",
            ),
        ),
    ),
]

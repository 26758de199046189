"""The demo communities' shared repertoire: what each has written down so far.

Every body follows the outline of its kind (`repertoire.models.KIND_TEMPLATES`),
so the demo shows what a good entry of each kind looks like. Topics are topic
names of the community in `content.COMMUNITIES`.
"""

from __future__ import annotations

from dataclasses import dataclass
from textwrap import dedent


@dataclass(frozen=True)
class DemoEntry:
    kind: str
    title: str
    topics: tuple[str, ...]
    body: str
    maturity: str = "in_use"
    # Why a coordinator endorsed or retired it.
    reason: str = ""
    # Its review date has passed: it shows up in "needs review".
    overdue: bool = False
    # Written down from resolved threads whose title contains this text
    # (threads of the entry's topics stand in when none does).
    from_threads: str = ""
    sources: int = 1
    # How members said they reused it (tools and assets only).
    reuse_notes: tuple[str, ...] = ()
    # A later edit: (note, text added at the end).
    revision: tuple[str, str] | None = None


def _md(text: str) -> str:
    return dedent(text).strip() + "\n"


FIELD_SERVICE = [
    DemoEntry(
        kind="case",
        title="Intermittent E-214 after firmware update",
        topics=("Diagnostics", "Firmware"),
        maturity="endorsed",
        reason="R&D confirmed the soft-start change as the cause on 4.2 units; the "
        "parameter fix is now in service bulletin SB-0412.",
        from_threads="E-214",
        body=_md("""
            ## Situation

            After the 4.2 firmware update, units in the northern region started showing
            **E-214** (feed motor overcurrent) a few times a day. The fault cleared on restart
            and never appeared while an engineer was on site, so three visits in a row ended
            as "no fault found".

            ## What was tried

            - Replacing the feed motor: the error was back within a week.
            - Replacing the motor driver board: same result.
            - Rolling one unit back to 4.1: the error stopped, which pointed at the firmware
              rather than the hardware.

            ## What worked

            Update 4.2 shortened the soft-start ramp of the feed motor. On units with the
            older, stiffer drive belt the inrush current now crosses the overcurrent
            threshold when the machine is cold. Setting parameter `P-31` (soft-start ramp)
            back to 400 ms cleared the fault on every unit we tried, without rolling the
            firmware back.

            ## Lessons

            - When one fault appears on many units after an update, suspect the update
              before the parts.
            - Read the error history (menu 7.3), not only the current fault: the
              timestamps showed E-214 only in the first minutes after power-on.
            - Tell the customer what you found even when you could not reproduce it; it
              saves the next visit.
            """),
    ),
    DemoEntry(
        kind="practice",
        title="Lock-out/tag-out on customer sites",
        topics=("Safety",),
        maturity="endorsed",
        reason="Agreed with the HSE team as our standard; it is part of the induction for "
        "new engineers from this quarter.",
        from_threads="lock-out",
        body=_md("""
            ## Context

            Many customer sites have their own lock-out/tag-out (LOTO) rules, and they
            differ from ours. Our rule is simple: follow whichever is stricter, and never
            work on a machine that only someone else has locked.

            ## Steps

            1. Before you open anything, ask the site contact for their isolation
               procedure and the name of their authorised person.
            2. List every energy source: mains, UPS, compressed air, stored spring tension.
            3. Isolate, then fit **your own** padlock and tag, even if the site has locked
               the isolator already.
            4. Test for dead with your own tester; prove the tester on a known live source
               before and after.
            5. Write the lock number and the time on the job sheet.
            6. When you finish, remove only your own lock and tell the site contact before
               the machine is switched back on.

            ## When not to use it

            There is no job where you skip it. If the site will not let you fit your own
            lock, or nobody can show you the isolation point, stop and call the duty
            supervisor: a rescheduled visit is always acceptable.
            """),
    ),
    DemoEntry(
        kind="tool",
        title="Van stock reconciliation sheet",
        topics=("Spare parts",),
        reuse_notes=(
            "Used it for my quarterly count: four boards were booked to the wrong van.",
            "Adapted the part list for the Leeds depot.",
            "Doing it every Friday now, as suggested. Fifteen minutes, as promised.",
        ),
        revision=(
            "Added the borrowed-parts column",
            "## Changes\n\n- A *Borrowed* column for parts taken from another engineer's "
            "van, with their name, so both vans can be corrected at once.\n",
        ),
        body=_md("""
            ## What it is for

            Van stock never quite matches the system: parts get used on a job and not
            booked, or swapped between vans at the depot. This spreadsheet compares what
            the system thinks is in your van with a quick physical count and lists the
            differences, so they can be booked in one go.

            ## How to use it

            1. Export your van stock from the parts portal (*Reports → Van stock → CSV*).
            2. Paste it into the *System* tab.
            3. Count the top 40 parts (the sheet sorts them by value) and type the counts
               into the *Count* column.
            4. The *Differences* tab lists what to book as used, returned or missing. Send
               it to the depot with your weekly report.

            Done every Friday it takes about fifteen minutes; done once a quarter it takes
            a morning.

            ## Where to get it

            On the team drive under *Service / Tools / Van stock*. Ask here if you need the
            version for the old parts portal.
            """),
    ),
    DemoEntry(
        kind="glossary",
        title="First-time fix rate",
        topics=("Customer visits", "Spare parts"),
        maturity="endorsed",
        reason="This is the definition used in the division's monthly report; please link "
        "here rather than redefining it.",
        body=_md("""
            ## Definition

            The share of corrective visits where the fault is fixed on the first visit,
            with no return visit for parts, tools or a second engineer. Visits cancelled by
            the customer are left out.

            ## Synonyms

            FTFR, first-visit fix rate

            ## Example

            In March the southern team completed 412 corrective visits and 361 of them
            needed no follow-up: a first-time fix rate of 361 / 412 = 87.6 %.
            """),
    ),
    DemoEntry(
        kind="glossary",
        title="Mean time between failures",
        topics=("Diagnostics",),
        body=_md("""
            ## Definition

            The average running time of a unit between two failures that need a
            corrective visit. Planned maintenance visits do not count as failures. Not to
            be confused with *mean time to repair* (MTTR), which measures how long a
            repair takes once we are on site.

            ## Synonyms

            MTBF

            ## Example

            A fleet of 50 units ran 200,000 hours last year and had 40 corrective visits:
            MTBF = 200,000 / 40 = 5,000 hours.
            """),
    ),
    DemoEntry(
        kind="glossary",
        title="No fault found",
        topics=("Diagnostics", "Customer visits"),
        maturity="draft",
        body=_md("""
            ## Definition

            A visit closed without finding or fixing a fault, because the reported problem
            did not appear while the engineer was on site.

            ## Synonyms

            NFF, CNR, could not reproduce

            ## Example

            Three NFF visits in a row to the same unit are the signal to fit a data logger
            (see *Capturing an intermittent fault with a data logger*) rather than send a
            fourth engineer.
            """),
    ),
    DemoEntry(
        kind="story",
        title="The night call-out at the bakery",
        topics=("Safety", "Customer visits"),
        body=_md("""
            ## What happened

            At two in the morning one of us was called out, alone, to an industrial bakery
            whose proving line had stopped. The fault took minutes to find: a tray jammed
            in the conveyor. But the isolator was behind a locked door, and the key was
            with the day manager, asleep at home. The two bakers on shift pressed hard to
            have the jam cleared with the line running; the morning deliveries depended on
            it.

            ## Who was involved

            Our engineer on the night rota, the duty supervisor on the phone, and the
            bakery's night shift.

            ## What it taught us

            Our engineer did not clear the jam live. The duty supervisor reached the day
            manager, and the key arrived forty minutes later. The deliveries were late, and
            the bakery thanked us the next week. Since then we ask every 24/7 customer,
            when the contract starts, where the isolators are and who holds the keys at
            night, and we keep the answer in the site notes. When working alone at night,
            call the duty supervisor on arrival and when you leave.
            """),
    ),
    DemoEntry(
        kind="guide",
        title="Rolling back firmware in the field",
        topics=("Firmware",),
        overdue=True,
        body=_md("""
            ## Before you start

            - A service laptop with the flashing tool 2.8 or later, and the USB-serial
              cable.
            - The image you are rolling back to, from the release portal (never from a
              colleague's USB stick).
            - The unit's settings backed up: menu 9.1 → *Export settings*.
            - The customer told that the unit will be out of service for about 30 minutes.

            ## Step by step

            1. Power the unit down and isolate it (see *Lock-out/tag-out on customer
               sites*).
            2. Connect the cable to the service port behind the left panel.
            3. Power up while holding the *Service* key to enter the bootloader.
            4. In the flashing tool choose *Downgrade* and select the image. The tool
               refuses to downgrade across a major version; that is deliberate.
            5. When the tool reports success, restore the settings from your backup.
            6. Run the self-test (menu 8.4) and one full cycle with the customer watching.
            7. Record the rollback and its reason in the fleet system, so the unit is not
               updated again automatically overnight.

            ## If something goes wrong

            If flashing stops halfway, do **not** power the unit off. Restart the tool and
            choose *Recover*: the bootloader keeps the previous image until the new one is
            verified. If recovery fails, call second-line support before you leave site.
            """),
    ),
    DemoEntry(
        kind="asset",
        title="Chargeable repair explanation letter",
        topics=("Customer visits",),
        reuse_notes=(
            "Sent it after the packaging-line visit; the customer paid without a dispute.",
            "Shortened it for an email; kept the paragraph about the contract.",
        ),
        body=_md("""
            ## What it is

            A one-page letter for explaining to a customer why a repair is chargeable under
            their service contract, written so that it is factual, short and hard to argue
            with.

            > Dear {customer},
            >
            > During our visit on {date} we found that {fault}. Your service contract
            > covers {what it covers}; it does not cover damage caused by {cause}, so this
            > repair is chargeable at {price from the price list}.
            >
            > We have {done / not yet done} the repair. Photos of what we found are
            > attached. If you have questions, call Customer Care on {number}.

            ## How to adapt it

            Replace everything in braces. Take the price from the current price list, never
            from memory, and attach the photos you took before starting. Leave out anything
            about who is to blame; describe what you saw.

            ## Who made it, for what

            Written by engineers of Service South with Customer Care after a run of
            disputed invoices in the spring; Customer Care checked the wording against the
            contract terms.
            """),
    ),
    DemoEntry(
        kind="lesson",
        title="Refurbished boards: test before you fit them",
        topics=("Spare parts",),
        from_threads="refurbished boards",
        sources=2,
        body=_md("""
            ## What we learned

            About one refurbished controller board in eight that we fitted last year failed
            within three months, against one in fifty for new boards. Most early failures
            were in the power stage.

            ## How we learned it

            Several of us asked about it here within a few weeks. When we put our job
            sheets side by side the pattern was plain, and the parts team confirmed it from
            the returns data.

            ## What to do differently

            - Bench-test every refurbished board under load for 30 minutes at the depot
              before it goes into a van.
            - Write the board's serial number on the job sheet, so early failures can be
              traced to the refurbisher's batch.
            - On sites with a history of repeat visits, fit a new board even if it takes a
              day longer to arrive.
            """),
    ),
    DemoEntry(
        kind="practice",
        title="Capturing an intermittent fault with a data logger",
        topics=("Diagnostics",),
        maturity="draft",
        body=_md("""
            ## Context

            Some faults never show while we are on site. Instead of another visit, leave a
            logger on the unit for a week and let the fault come to us.

            ## Steps

            1. Borrow a logger from the depot (there are six, booked in the tool register).
            2. Fit it to the diagnostic port and log supply voltage, motor current and
               controller temperature once a second.
            3. Ask the customer to note the time whenever the fault happens.
            4. Collect it after a week and line the customer's times up with the log.

            ## When not to use it

            When the fault is a safety risk: a unit that intermittently trips its safety
            circuit is taken out of service until the cause is found, not observed.
            """),
    ),
    DemoEntry(
        kind="tool",
        title="Paper job sheet for sites without signal",
        topics=("Customer visits",),
        maturity="retired",
        reason="Replaced by the offline mode of the service app; paper sheets kept getting "
        "lost before anyone typed them in.",
        reuse_notes=("Used it all winter in the basement plant rooms.",),
        body=_md("""
            ## What it is for

            Recording a visit where the service app cannot reach the server: basements,
            plant rooms and remote sites.

            ## How to use it

            Fill in one sheet per visit, have the site contact sign it, photograph it
            before you leave, and type it into the app as soon as you have signal again.

            ## Where to get it

            Print it from the team drive, *Service / Tools / Job sheet (paper)*.
            """),
    ),
]

HOME_BREWING = [
    DemoEntry(
        kind="glossary",
        title="Original gravity",
        topics=("Fermentation",),
        maturity="endorsed",
        reason="Every recipe card we share uses this definition and this formula.",
        body=_md("""
            ## Definition

            The specific gravity of the wort before the yeast is pitched: how much sugar is
            dissolved in it, and so how strong the beer can become. Pure water reads 1.000.
            Some brewers measure it in degrees Plato instead (1.048 is about 12 °P).

            ## Synonyms

            OG, starting gravity

            ## Example

            A pale ale with an OG of 1.050 that finishes at 1.010 has about
            (1.050 − 1.010) × 131.25 ≈ 5.3 % alcohol by volume.
            """),
    ),
    DemoEntry(
        kind="glossary",
        title="Hop creep",
        topics=("Hops", "Fermentation"),
        body=_md("""
            ## Definition

            A slow second fermentation after dry hopping: enzymes in the hops break down
            sugars the yeast could not use, and the yeast ferments them. Gravity drops,
            carbon dioxide and diacetyl rise.

            ## Synonyms

            Dry-hop creep

            ## Example

            A hazy IPA dry hopped at 1.014 and bottled two days later ended at 1.008, and
            the bottles gushed. Waiting until the gravity was stable for three days would
            have avoided it.
            """),
    ),
    DemoEntry(
        kind="guide",
        title="Kegging and carbonating your first batch",
        topics=("Kegging",),
        maturity="endorsed",
        reason="Tested by five of us before the summer party; this is the guide we point "
        "newcomers to.",
        from_threads="carbonating quickly",
        sources=2,
        body=_md("""
            ## Before you start

            - A clean corny keg, a CO₂ bottle with a regulator, gas and beer lines, a tap.
            - Beer at final gravity: the same reading three days running.
            - No-rinse sanitiser, and a fridge or kegerator at 3–4 °C.

            ## Step by step

            1. Sanitise the keg, the lid, the dip tube and the lines.
            2. Siphon the beer in gently; no splashing.
            3. Close the lid, give it 30 psi to seat the seal, then purge the headspace
               three times with the relief valve.
            4. Chill the keg, then set the regulator to 12 psi. After 10–14 days you have
               about 2.5 volumes of CO₂.
            5. In a hurry for a party: 30 psi for 24 hours, then back to 12 psi and vent
               the excess before serving.
            6. Use about 3 m of 3/16″ beer line at 12 psi, so the beer pours slowly enough
               not to foam.

            ## If something goes wrong

            - **Only foam**: the line is too short or the beer too warm. Chill it and use a
              longer line.
            - **Flat beer**: check for gas leaks with soapy water on every fitting.
            - **Over-carbonated**: disconnect the gas, vent several times a day and wait.
            """),
    ),
    DemoEntry(
        kind="case",
        title="Grassy flavours after dry hopping",
        topics=("Hops",),
        from_threads="grassy",
        body=_md("""
            ## Situation

            A session IPA dry hopped with 150 g of pellets for seven days tasted of cut
            grass and green tea instead of tropical fruit.

            ## What was tried

            Cold crashing and fining with gelatine cleared the haze, but not the flavour.
            Adding more hops in the next batch made it worse.

            ## What worked

            Shorter contact: two to three days at fermentation temperature, then the hops
            out (a mesh bag makes this easy). Fresh, vacuum-packed pellets stored in the
            freezer. The next three batches had no grassiness.

            ## Lessons

            Longer is not better with dry hops. Grassy, vegetal notes come from long
            contact and old hops, not from too few hops.
            """),
    ),
    DemoEntry(
        kind="practice",
        title="Harvesting and re-pitching yeast",
        topics=("Yeast",),
        body=_md("""
            ## Context

            A pack of liquid yeast costs as much as the rest of the ingredients. Harvesting
            the yeast cake lets you brew four or five more batches with it.

            ## Steps

            1. After you rack the beer off, swirl the yeast cake with a little boiled and
               cooled water.
            2. Pour it into sanitised jars and let it settle for 20 minutes in the fridge;
               the clean, creamy layer in the middle is the yeast you keep.
            3. Label the jars with the strain, the date and the generation.
            4. Use it within two weeks, or make a starter from it if it is older.
            5. Pitch about 100 ml of thick slurry for 20 litres of average-strength wort.

            ## When not to use it

            After an infected batch, after a very strong beer (the yeast is stressed), or
            beyond the fifth generation.
            """),
    ),
    DemoEntry(
        kind="tool",
        title="Brew day calculator",
        topics=("Water", "Fermentation"),
        overdue=True,
        reuse_notes=(
            "Strike temperature was spot on for my cooler mash tun.",
            "Used the salt tab for a Burton-style bitter.",
            "",
        ),
        body=_md("""
            ## What it is for

            One spreadsheet for the sums of a brew day: strike water temperature, mash and
            sparge volumes, water salt additions and the expected original gravity.

            ## How to use it

            Fill in the grain bill, your equipment profile (boil-off rate, dead space) and
            the target beer style. The *Water* tab takes the latest city water report and
            tells you how much gypsum and calcium chloride to add.

            ## Where to get it

            In the circle's shared folder, *Tools / Brew day calculator*. The water tab
            uses last year's city water report; check it against the new one.
            """),
    ),
    DemoEntry(
        kind="asset",
        title="Recipe card template",
        topics=("Hops", "Yeast"),
        reuse_notes=(
            "Printed it for the tasting evening; everyone could follow what they drank.",
            "Added a line for the water profile.",
            "Used it to write up my first lager.",
        ),
        body=_md("""
            ## What it is

            A one-page recipe card: grain bill, hop schedule, yeast and generation, mash
            steps, OG and FG, and a box for tasting notes.

            ## How to adapt it

            Copy the card, keep the order of the sections (so cards can be compared), and
            add sections at the end. Write the hop alpha acids you actually used, not those
            on the recipe you copied.

            ## Who made it, for what

            Made by two members from the lab for the first club competition, so the judges
            could read every entry the same way.
            """),
    ),
    DemoEntry(
        kind="story",
        title="The vinegar batch",
        topics=("Fermentation",),
        body=_md("""
            ## What happened

            A 40-litre batch of saison for a wedding started smelling of vinegar after two
            weeks. A thin white film covered the top. It had to be poured away, a week
            before the wedding.

            ## Who was involved

            The brewer, two members who came round to taste it and confirmed the worst, and
            the pilot plant's microbiologist, who looked at a sample.

            ## What it taught us

            The culprit was acetobacter, which needs oxygen: the fermenter lid had a
            cracked seal and the airlock had dried out in the summer heat. Since then many
            of us replace seals once a year and check airlocks every few days in summer.
            The wedding got a pale ale from the freezer stock, and nobody noticed.
            """),
    ),
    DemoEntry(
        kind="lesson",
        title="Chlorine off-flavours: treat the water every time",
        topics=("Water",),
        from_threads="chlorine",
        body=_md("""
            ## What we learned

            Medicinal, plastic or band-aid flavours in our beers came from chlorine and
            chloramine in tap water. Half a Campden tablet per 20 litres removes both in a
            few minutes.

            ## How we learned it

            Several members had the same off-flavour in different styles. The common factor
            was the tap water; the city had switched to chloramine in the spring, which
            does not boil off the way chlorine does.

            ## What to do differently

            Treat all brewing water with Campden tablets, including sparge water, every
            time; do not rely on leaving it out overnight.
            """),
    ),
    DemoEntry(
        kind="practice",
        title="Fermenting cool without a fridge",
        topics=("Fermentation",),
        maturity="draft",
        body=_md("""
            ## Context

            Not everyone has room for a fermentation fridge, and summer fermentations at
            25 °C taste of solvent.

            ## Steps

            1. Stand the fermenter in a tub of water.
            2. Drape a wet T-shirt over it, with its hem in the water.
            3. Point a fan at it: evaporation keeps it 4–6 °C below room temperature.
            4. Swap in frozen water bottles morning and evening for the first three days,
               when fermentation makes the most heat.

            ## When not to use it

            For lagers: you will not get down to 10 °C this way.
            """),
    ),
    DemoEntry(
        kind="guide",
        title="Bottle priming with table sugar",
        topics=("Kegging",),
        maturity="retired",
        reason="Most of us keg now, and the shared kit includes carbonation drops, which "
        "are easier to get right.",
        body=_md("""
            ## Before you start

            Clean bottles, caps, a capper and 6 g of table sugar per litre of beer.

            ## Step by step

            1. Dissolve the sugar in a little boiled water and cool it.
            2. Stir it gently into the beer in a bottling bucket.
            3. Fill, cap and keep the bottles at room temperature for two weeks.

            ## If something goes wrong

            Flat after two weeks: move the bottles somewhere warmer. Gushing: the beer was
            bottled before fermentation had finished.
            """),
    ),
]

DATA_SCIENCE = [
    DemoEntry(
        kind="case",
        title="Churn model: great offline, poor in production",
        topics=("Modelling", "MLOps"),
        overdue=True,
        body=_md("""
            ## Situation

            A churn model scored an AUC of 0.91 in validation and 0.64 in its first month
            in production. The retention team stopped trusting it within weeks.

            ## What was tried

            Retraining on more recent data and tuning the hyperparameters: no change.

            ## What worked

            A feature-by-feature comparison of training and production data. The strongest
            feature, *days since last contact*, was filled in by the CRM after a customer
            had already cancelled. In training it leaked the outcome; in production it was
            almost always empty. Rebuilding the features as of a fixed snapshot date gave
            an honest 0.78 offline and 0.76 in production.

            ## Lessons

            - Build training features "as of" the prediction date, from history tables.
            - Be suspicious of any single feature that carries the whole model.
            - Compare production inputs with training inputs in the first week.
            """),
    ),
    DemoEntry(
        kind="practice",
        title="Handling class imbalance in fraud models",
        topics=("Modelling",),
        maturity="endorsed",
        reason="Reviewed at the modelling standards session; adopted for all fraud work "
        "before it goes to the architecture board.",
        from_threads="class imbalance",
        sources=2,
        body=_md("""
            ## Context

            Fraud is rare: under 0.5 % of our transactions. A model that says "never fraud"
            is 99.5 % accurate and useless.

            ## Steps

            1. Split by time, not at random, and keep the real fraud rate in the test set.
            2. Start without resampling; use class weights if the model supports them.
            3. Judge models on precision–recall curves and on precision at the number of
               cases investigators can review per day, not on accuracy or ROC AUC.
            4. Calibrate the scores (isotonic or Platt) before anyone reads them as
               probabilities.
            5. Agree the threshold with the investigation team, in cases per day.

            ## When not to use it

            When labels are very delayed or biased by what was investigated, fix the
            labelling first; no resampling trick makes up for it.
            """),
    ),
    DemoEntry(
        kind="practice",
        title="Versioning training data",
        topics=("MLOps",),
        from_threads="versioning training data",
        sources=2,
        body=_md("""
            ## Context

            Six months after a model ships, someone asks "what was it trained on?" and
            nobody can say. Code is versioned; data usually is not.

            ## Steps

            1. Write each training set as an immutable, dated snapshot (Parquet in the
               lake, never overwritten).
            2. Record the snapshot's path and content hash in the model's run metadata.
            3. Keep the query or pipeline that produced it in the same repository as the
               model code.
            4. Delete snapshots only under the retention policy, and record when.

            ## When not to use it

            For throwaway exploration. Snapshot from the moment a model may be used for a
            decision.
            """),
    ),
    DemoEntry(
        kind="tool",
        title="Experiment sample-size calculator",
        topics=("Experimentation",),
        reuse_notes=(
            "Showed the product manager why two weeks was not enough.",
            "Used it for a pricing test on a small segment.",
            "",
            "Added our conversion baseline to the notebook's defaults.",
        ),
        body=_md("""
            ## What it is for

            Working out how many users, and so how many days, an A/B test needs before it
            starts, from the baseline rate, the smallest effect worth detecting and the
            traffic of the segment.

            ## How to use it

            Open the notebook, fill in the four inputs at the top and run it. It prints
            the sample size per arm, the expected duration and a chart of power against
            duration, which is the chart that convinces stakeholders.

            ## Where to get it

            In the guild's repository, `tools/sample_size.ipynb`.
            """),
    ),
    DemoEntry(
        kind="asset",
        title="Model card template",
        topics=("MLOps", "Modelling"),
        maturity="endorsed",
        overdue=True,
        reason="Required for every model that goes to the architecture board.",
        reuse_notes=(
            "Filled it in for the credit-limit model; the board accepted it first time.",
            "Used it for a model that never went live; writing it showed why.",
            "",
        ),
        body=_md("""
            ## What it is

            A two-page model card: purpose and intended users, training data (with its
            snapshot), evaluation by segment, known limitations, monitoring plan and owner.

            ## How to adapt it

            Keep every heading, even if the answer is "not applicable, because…".
            Evaluation by segment is the section reviewers read first; do not leave it
            empty.

            ## Who made it, for what

            Drafted by the guild for the architecture board in its first year, from the
            published model-card format, shortened to what our reviewers actually read.
            """),
    ),
    DemoEntry(
        kind="glossary",
        title="Data leakage",
        topics=("Modelling",),
        body=_md("""
            ## Definition

            Information in the training data that would not be available at the moment of
            prediction, and that makes the model look better offline than it can be in
            use. A related problem, train–test contamination, is when the same records end
            up on both sides of a split.

            ## Synonyms

            Target leakage, leakage

            ## Example

            See *Churn model: great offline, poor in production*: a field filled in after
            cancellation predicted cancellation perfectly.
            """),
    ),
    DemoEntry(
        kind="glossary",
        title="Population stability index",
        topics=("MLOps",),
        body=_md("""
            ## Definition

            A measure of how far the distribution of a variable in production has moved
            from its distribution in training: the values are binned and the differences
            in share per bin are summed, weighted by their log ratio.

            ## Synonyms

            PSI, stability index

            ## Example

            We read PSI below 0.1 as stable, 0.1–0.25 as worth a look and above 0.25 as a
            reason to investigate before the next retraining.
            """),
    ),
    DemoEntry(
        kind="lesson",
        title="Do not stop an A/B test early",
        topics=("Experimentation",),
        body=_md("""
            ## What we learned

            Looking at an A/B test every day and stopping it the first time it looks
            significant produces false winners far more often than the 5 % we think we
            accept.

            ## How we learned it

            A checkout change was stopped after four days "because it was clearly winning".
            Rolled out to everyone, it made no difference at all. Replaying the data showed
            the early lead was noise.

            ## What to do differently

            Fix the sample size before the test starts (see the sample-size calculator),
            and agree with the product owner that the test runs to the end. If peeking is
            unavoidable, use a sequential test designed for it.
            """),
    ),
    DemoEntry(
        kind="story",
        title="The dashboard nobody opened",
        topics=("Visualization",),
        body=_md("""
            ## What happened

            We spent six weeks on a sales dashboard with twenty charts and filters for
            every region. Usage logs after three months: eleven views, nine of them ours.

            ## Who was involved

            Two analysts from the guild and the regional sales managers it was built for.

            ## What it taught us

            When we finally sat with the sales managers, they wanted one number each
            Monday: pipeline against target, by region, in an email. We sent that, and it
            is read every week. We now start with the decision someone has to make, and
            build the smallest thing that helps them make it.
            """),
    ),
    DemoEntry(
        kind="guide",
        title="Finding out why a warehouse query got slow",
        topics=("SQL",),
        maturity="draft",
        body=_md("""
            ## Before you start

            Note when it got slow and save the query text exactly as it runs.

            ## Step by step

            1. Look at the query profile: which step takes the time, and how many rows it
               reads compared with last week.
            2. Check whether the tables it reads have grown or been reloaded without their
               clustering.
            3. Check the statistics are up to date.
            4. Try the query with a narrow date filter; if it is fast, the problem is
               volume, not the plan.

            ## If something goes wrong

            If nothing changed on our side, ask the platform team in their channel with the
            query ID; warehouse upgrades sometimes change plans overnight.
            """),
    ),
    DemoEntry(
        kind="tool",
        title="Shared notebook server on the analytics VM",
        topics=("MLOps",),
        maturity="retired",
        reason="The VM was decommissioned in the platform move; use the managed notebook "
        "service instead.",
        reuse_notes=("Ran the quarterly churn refresh on it.",),
        body=_md("""
            ## What it is for

            A shared notebook server for the guild, with the warehouse drivers
            preinstalled.

            ## How to use it

            Log in with your network account; keep notebooks in your own folder.

            ## Where to get it

            It ran on the analytics VM, which no longer exists.
            """),
    ),
]

NURSE_EDUCATORS = [
    DemoEntry(
        kind="case",
        title="Near miss with look-alike vials",
        topics=("Medication safety",),
        maturity="endorsed",
        reason="Shared with the medication safety committee; the storage change is now "
        "standard on all wards.",
        from_threads="look-alike",
        body=_md("""
            ## Situation

            On a busy night shift a nurse in her second month drew up potassium chloride
            instead of sodium chloride for a flush. The vials were the same size, with
            labels of the same colour, stored side by side. She noticed before
            administering. (Details anonymized.)

            ## What was tried

            The ward first reminded everyone to read labels carefully. Two similar near
            misses followed within a month.

            ## What worked

            Changing the system rather than the people: concentrated potassium was moved to
            a separate locked drawer with a red shelf label, and the pharmacy switched to a
            supplier whose vials look different. No near misses since.

            ## Lessons

            - "Be more careful" is not a fix; storage and packaging are.
            - Thank the nurse who reports a near miss, publicly if she agrees.
            """),
    ),
    DemoEntry(
        kind="practice",
        title="Independent double check for high-alert infusions",
        topics=("Medication safety",),
        maturity="endorsed",
        reason="Matches the group's medication policy and is the version taught in "
        "induction from now on.",
        from_threads="high-alert",
        sources=2,
        body=_md("""
            ## Context

            For high-alert infusions (insulin, heparin, opioids, concentrated
            electrolytes) a second nurse checks independently, not by watching the first.

            ## Steps

            1. The first nurse prepares the infusion and the pump settings.
            2. The second nurse, without being told the expected values, checks the
               prescription, the drug and concentration, the dose calculation and the pump
               programme.
            3. Both compare their results; any difference means starting again.
            4. Both sign, and the second nurse checks the line at the patient.

            ## When not to use it

            Never skip it for these drugs. In an emergency, the check is done as soon as
            the situation allows and documented as such.
            """),
    ),
    DemoEntry(
        kind="guide",
        title="Running a sepsis simulation without a sim lab",
        topics=("Simulation",),
        body=_md("""
            ## Before you start

            - An empty side room or a quiet corner of the ward, 45 minutes, and a
              colleague to play the patient.
            - A printed observation chart whose values you reveal one by one.
            - The sepsis screening tool the ward uses.

            ## Step by step

            1. Brief the learners: it is a simulation, mistakes are expected, what happens
               in the room stays in the room.
            2. Give the handover, then reveal observations every few minutes: rising heart
               rate, falling blood pressure, new confusion.
            3. Let them escalate, screen and start the sepsis bundle; play the doctor on
               the phone yourself.
            4. Stop after 15 minutes and debrief for at least as long.

            ## If something goes wrong

            If a learner is distressed, stop, step out of the scenario and talk it through;
            the learning can wait.
            """),
    ),
    DemoEntry(
        kind="practice",
        title="Debriefing a simulation that went badly",
        topics=("Simulation",),
        maturity="draft",
        body=_md("""
            ## Context

            When a simulation goes badly, learners remember the debrief more than the
            scenario. Done well, it is where the learning happens.

            ## Steps

            1. Start with reactions: "How did that feel?"
            2. Ask them to describe what happened, in order, before anyone judges it.
            3. Explore two or three moments in depth: what they saw, what they thought,
               why they acted.
            4. Finish with what each will do differently on the ward.

            ## When not to use it

            Not straight after a real incident on the ward: that needs a clinical debrief
            with support, not a teaching one.
            """),
    ),
    DemoEntry(
        kind="asset",
        title="Preceptor week-one checklist",
        topics=("Onboarding",),
        reuse_notes=(
            "Used it with two new graduates on Ward 4B.",
            "Added our ward's fire exits and resuscitation trolley checks.",
            "",
        ),
        body=_md("""
            ## What it is

            A checklist for the first week of a new nurse on a ward: people to meet,
            equipment to find, systems to log into, and one shift shadowing the preceptor.

            ## How to adapt it

            Keep the first section (safety: exits, emergency trolley, escalation numbers)
            as it is, and replace the rest with your ward's own equipment and routines.

            ## Who made it, for what

            Written by preceptors from three wards for the spring intake of new graduates,
            after feedback that the first week felt chaotic.
            """),
    ),
    DemoEntry(
        kind="story",
        title="The new graduate who froze at handover",
        topics=("Onboarding",),
        body=_md("""
            ## What happened

            A capable new graduate went silent during her first bedside handover to the
            night team, with the patient's family listening. She knew the patient well;
            she could not find the words in front of everyone.

            ## Who was involved

            The new nurse, her preceptor, and the night-shift nurse receiving the handover,
            who quietly asked one question at a time. (Details anonymized.)

            ## What it taught us

            We had taught SBAR in the classroom but never let new nurses rehearse handover
            before doing it for real. Now preceptors run two practice handovers in week one,
            away from the bedside, and stand next to the new nurse for the first real ones.
            """),
    ),
    DemoEntry(
        kind="glossary",
        title="SBAR",
        topics=("Onboarding",),
        body=_md("""
            ## Definition

            A structure for passing on information about a patient: **S**ituation,
            **B**ackground, **A**ssessment, **R**ecommendation. The ISBAR variant starts
            with *Identify* (yourself and the patient).

            ## Synonyms

            ISBAR

            ## Example

            "This is Sam on Ward 4, about Mr. K in bed 6. He is newly confused and his
            blood pressure is 88/50. He is day two after bowel surgery. I think he may be
            septic. Please come and see him within 15 minutes."
            """),
    ),
    DemoEntry(
        kind="glossary",
        title="Pressure injury staging",
        topics=("Wound care",),
        overdue=True,
        body=_md("""
            ## Definition

            A classification of pressure injuries by depth of tissue damage, from stage 1
            (intact skin with non-blanchable redness) to stage 4 (full-thickness loss with
            exposed bone, tendon or muscle), plus *unstageable* and *deep tissue* injury.

            ## Synonyms

            Pressure ulcer staging, pressure ulcer grading

            ## Example

            A shallow open wound with a pink wound bed and no slough is stage 2. If slough
            covers the base so that the depth cannot be seen, it is unstageable, not stage
            2.
            """),
    ),
    DemoEntry(
        kind="tool",
        title="Negative-pressure dressing practice kit",
        topics=("Wound care",),
        reuse_notes=(
            "Borrowed it for the surgical ward's teaching afternoon.",
            "Used it to teach the night team; they asked for it again.",
        ),
        body=_md("""
            ## What it is for

            Practising the application of negative-pressure wound therapy dressings on a
            silicone wound model, before doing it on a patient.

            ## How to use it

            Book a session of 30 minutes per pair of learners. Follow the manufacturer's
            steps on the laminated card in the box; let learners make and find an air leak
            on purpose.

            ## Where to get it

            Two kits, kept in the education office; book them in the shared calendar.
            """),
    ),
    DemoEntry(
        kind="guide",
        title="Orientation to paper medication charts",
        topics=("Medication safety", "Onboarding"),
        maturity="retired",
        reason="The group moved to electronic prescribing; the eMAR orientation replaces "
        "this guide.",
        body=_md("""
            ## Before you start

            A blank drug chart, and a completed one from the education office.

            ## Step by step

            Walk through the chart section by section: allergies, regular, as-needed and
            once-only medicines, then how to record a dose given or withheld.

            ## If something goes wrong

            An unclear prescription is never guessed at: ask the prescriber to rewrite it.
            """),
    ),
]

AFTER_SCHOOL = [
    DemoEntry(
        kind="practice",
        title="Keeping volunteers past the first month",
        topics=("Volunteers",),
        maturity="endorsed",
        reason="Three programs tried it and kept twice as many volunteers after three "
        "months; it is our recommended practice.",
        from_threads="stop coming",
        sources=2,
        body=_md("""
            ## Context

            Most volunteers who leave do so in their first month, usually because they do
            not know what to do or feel nobody noticed them.

            ## Steps

            1. Pair every new volunteer with an experienced one for their first four
               sessions.
            2. Give them one clear job each session (reading corner, snack table, football).
            3. Call them after the second session and ask how it went.
            4. After a month, ask what they enjoy most and give them more of that.
            5. Thank them in front of the children at the end of term.

            ## When not to use it

            For one-off helpers at events: a short briefing is enough.
            """),
    ),
    DemoEntry(
        kind="case",
        title="Sharing space with the public library",
        topics=("Partnerships",),
        from_threads="public library",
        body=_md("""
            ## Situation

            After losing our school room, we were offered the children's section of the
            public library from 3 to 6 pm, shared with the library's own visitors.

            ## What was tried

            Running the program as before: the noise led to complaints in the first week.

            ## What worked

            Splitting the afternoon: quiet homework and reading in the library while it is
            open, then games in the community room downstairs. The librarians now run a
            story session for us once a month.

            ## Lessons

            Ask a partner what they gain from having you, and build the schedule around
            it.
            """),
    ),
    DemoEntry(
        kind="guide",
        title="Renewing a grant under the new reporting rules",
        topics=("Funding",),
        overdue=True,
        body=_md("""
            ## Before you start

            - Attendance records for the whole year, by child and by session.
            - Two or three short stories of a child's progress, with parents' consent.
            - Last year's budget and what was actually spent.

            ## Step by step

            1. Fill in the council's outcome form first; the narrative follows from it.
            2. Report attendance as the council defines it (sessions attended divided by
               sessions offered), not as enrolment.
            3. Explain any underspend before they ask.
            4. Submit two weeks before the deadline; the portal slows down at the end.

            ## If something goes wrong

            If the portal rejects the file, email the grants officer with the file attached
            before the deadline, so the date of submission is on record.
            """),
    ),
    DemoEntry(
        kind="asset",
        title="Sliding-scale fee letter for families",
        topics=("Funding",),
        overdue=True,
        reuse_notes=(
            "Translated it into Portuguese for our families in Porto.",
            "Used it when we introduced fees in September; no family left.",
        ),
        body=_md("""
            ## What it is

            A letter to parents introducing fees on a sliding scale, explaining that no
            child will be turned away and how to ask for a reduced fee without paperwork.

            ## How to adapt it

            Put in your own fee bands and the name of the person parents can talk to.
            Keep the sentence "No child will miss out because of money" in bold, near the
            top.

            ## Who made it, for what

            Written by two program leaders when the council funding changed, and read
            by parents from both programs before it was sent.
            """),
    ),
    DemoEntry(
        kind="tool",
        title="Volunteer rota spreadsheet",
        topics=("Volunteers",),
        overdue=True,
        reuse_notes=(
            "Set it up for our Tuesday and Thursday sessions.",
            "",
        ),
        body=_md("""
            ## What it is for

            Planning who is on which session for a term, and seeing at a glance which
            sessions are short of adults.

            ## How to use it

            Volunteers tick the sessions they can do in the *Availability* tab; the *Rota*
            tab fills in and turns a session red when it has fewer than the required number
            of adults with a completed background check.

            ## Where to get it

            Ask a coordinator for a copy of the template in the shared drive.
            """),
    ),
    DemoEntry(
        kind="story",
        title="Thirty children, ten laptops",
        topics=("Curriculum",),
        body=_md("""
            ## What happened

            Our coding club had thirty children and ten donated laptops. The first sessions
            were chaos: queues, arguments, and children giving up.

            ## Who was involved

            Two volunteers from a software company, the program leader, and the children,
            who came up with the solution.

            ## What it taught us

            The children suggested working in threes: one typing, one reading the
            instructions, one checking, swapping every ten minutes. It worked better than
            one child per laptop would have: they explained things to each other. Pair and
            group work is now how we run every club with scarce equipment.
            """),
    ),
    DemoEntry(
        kind="glossary",
        title="Sliding-scale fee",
        topics=("Funding",),
        body=_md("""
            ## Definition

            A fee that depends on what a family can afford, usually in a few bands, with a
            free place for families who need one.

            ## Synonyms

            Pay-what-you-can fee, income-based fee

            ## Example

            Band A pays €40 a term, band B €20, band C nothing; families choose their band
            themselves and nobody checks.
            """),
    ),
    DemoEntry(
        kind="lesson",
        title="Snack and play first, homework after",
        topics=("Curriculum",),
        body=_md("""
            ## What we learned

            Children straight out of school cannot concentrate on homework. Half an hour of
            food and play first made homework time shorter and calmer.

            ## How we learned it

            Two programs ran the afternoon in opposite orders for a term and compared notes
            at a community meeting.

            ## What to do differently

            Start with a snack and outdoor play, then homework, then free choice. Tell
            parents why, because some expect homework first.
            """),
    ),
    DemoEntry(
        kind="guide",
        title="Getting volunteer background checks done quickly",
        topics=("Volunteers",),
        maturity="retired",
        reason="The city now runs background checks centrally, and the old form is no "
        "longer accepted.",
        body=_md("""
            ## Before you start

            The volunteer's ID, proof of address and the paper application form.

            ## Step by step

            Fill in the form with the volunteer, post it with copies of the documents, and
            phone the office after ten days.

            ## If something goes wrong

            If nothing has come after four weeks, send the form again by recorded post.
            """),
    ),
    DemoEntry(
        kind="practice",
        title="Agreeing house rules with the school caretaker",
        topics=("Partnerships",),
        maturity="draft",
        body=_md("""
            ## Context

            When we use a school building after hours, the caretaker decides much of what
            is possible. A good relationship saves a lot of trouble.

            ## Steps

            1. Meet the caretaker before the first session, not the head teacher only.
            2. Walk through the rooms together and agree what can be moved and used.
            3. Agree how rooms are left: chairs up, lights off, doors checked.
            4. Leave a thank-you card at the end of each term.

            ## When not to use it

            In buildings run by a facilities company, agree the rules with them in writing
            instead.
            """),
    ),
]

LEGACY_SYSTEMS = [
    DemoEntry(
        kind="case",
        title="Reconciling totals between the old and the new system",
        topics=("Migration",),
        maturity="endorsed",
        reason="This is how the migration was signed off; it is the reference for the next one.",
        from_threads="reconciling totals",
        sources=2,
        body=_md("""
            ## Situation

            During the parallel run, the new system's month-end totals differed from the
            mainframe's by a few thousand euros a month, out of several hundred million.

            ## What was tried

            Comparing the totals account by account found nothing: the differences were
            spread thin.

            ## What worked

            Reconciling record by record on a sample day, by key, with a report of every
            mismatch. Three causes explained everything: rounding done per line on the
            mainframe and per invoice in the new system, a packed-decimal field read with
            the wrong sign, and records the old batch silently skipped when a date was
            invalid.

            ## Lessons

            Totals tell you *that* something differs; only record-level comparison tells
            you *why*. Build the reconciliation report before the parallel run starts.
            """),
    ),
    DemoEntry(
        kind="story",
        title="The night the batch ran into Monday",
        topics=("Batch",),
        from_threads="nightly batch",
        body=_md("""
            ## What happened

            At the end of the financial year the nightly batch, which normally finished by
            5 a.m., was still running at 9 on Monday morning. The branches could not open
            their accounts until it finished.

            ## Who was involved

            The night operator, two of us called in from home, and the branch managers,
            who were told every hour how far it had got.

            ## What it taught us

            One job step sorted the whole year's transactions instead of the day's because
            a date parameter had not been rolled over. We restarted from that step with the
            right parameter and finished at 11:40. Afterwards every date parameter was
            moved into one control member checked by the operator before the run, and
            nobody forgot that Monday.
            """),
    ),
    DemoEntry(
        kind="lesson",
        title="One copybook field, three meanings",
        topics=("Migration",),
        maturity="endorsed",
        reason="The most important lesson we pass on to the next migration team.",
        body=_md("""
            ## What we learned

            The field `CUST-TYPE-CD` meant customer type for retail accounts, branch region
            for business accounts, and, for accounts opened before 1994, the name of the
            clerk who opened them. Its meaning depended on other fields in the record.

            ## How we learned it

            The mapping to the new system was written from the copybook alone, and
            business accounts turned up in the wrong regions in the first test load. The
            answer came from a retired colleague who had written the original programs.

            ## What to do differently

            Read the programs that *use* a field, not just the copybook that declares it,
            and talk to the people who wrote them while they are still reachable.
            """),
    ),
    DemoEntry(
        kind="practice",
        title="Restarting a failed job step safely",
        topics=("Batch",),
        maturity="retired",
        reason="The mainframe was switched off in June; kept for the record and for anyone "
        "who runs batch again.",
        body=_md("""
            ## Context

            A job step fails in the middle of the night. Restarting the whole job repeats
            work and may post transactions twice.

            ## Steps

            1. Read the job log: which step failed, and did it commit anything?
            2. Check whether the step's output datasets are complete, empty or partial.
            3. Delete partial outputs, or restore them from the step's backup.
            4. Restart from the failed step with `RESTART=` on the job card.
            5. Write down what you did in the operations log before you go back to bed.

            ## When not to use it

            When a step that updates the database failed after committing, do not restart:
            call the application on-call person.
            """),
    ),
    DemoEntry(
        kind="glossary",
        title="Copybook",
        topics=("Migration",),
        body=_md("""
            ## Definition

            A COBOL source member describing the layout of a record, included by every
            program that reads or writes that record.

            ## Synonyms

            COPY member, record layout

            ## Example

            `CUSTREC` described the 400-byte customer record; 212 programs included it.
            """),
    ),
    DemoEntry(
        kind="glossary",
        title="JCL",
        topics=("Batch",),
        body=_md("""
            ## Definition

            Job Control Language: the statements that tell the mainframe which programs to
            run, in which order, with which datasets. Old hands still say *job deck*, from
            the days of punched cards.

            ## Synonyms

            Job Control Language, job deck

            ## Example

            The nightly run was 140 jobs of JCL, chained by the scheduler; the longest had
            38 steps.
            """),
    ),
    DemoEntry(
        kind="asset",
        title="Migration reconciliation report template",
        topics=("Migration",),
        reuse_notes=(
            "The HR system migration used it for their parallel run.",
            "Adapted the mismatch categories for the warehouse move.",
        ),
        body=_md("""
            ## What it is

            The daily report we used in the parallel run: record counts and totals per
            file, then every mismatch by key, sorted into known causes and new ones.

            ## How to adapt it

            Replace the files and keys with yours. Keep the rule that every new mismatch
            gets an owner the same day.

            ## Who made it, for what

            Made by the reconciliation team for the mainframe migration's parallel run,
            and kept for the migrations that follow.
            """),
    ),
    DemoEntry(
        kind="tool",
        title="Batch run-time chart",
        topics=("Batch",),
        maturity="retired",
        reason="No more batch to chart since the switch-off.",
        reuse_notes=("Used it to argue for the second CPU upgrade.",),
        body=_md("""
            ## What it is for

            Seeing which jobs made the nightly run longer, night after night, before it
            ran into business hours.

            ## How to use it

            Load the scheduler's run-time export; the chart shows each job's duration over
            the last 90 nights and marks the critical path.

            ## Where to get it

            It lives in the operations archive with the last export.
            """),
    ),
    DemoEntry(
        kind="guide",
        title="Handing over a legacy system: a checklist for the next migration",
        topics=("Migration", "Batch"),
        body=_md("""
            ## Before you start

            Start the handover a year before the switch-off, while the people who know the
            system are still there.

            ## Step by step

            1. List every batch job, its schedule, inputs, outputs and who reads them.
            2. For every field that is migrated, find the programs that use it.
            3. Record the month-end, year-end and leap-year specials.
            4. Build the reconciliation report before the parallel run.
            5. Keep the old system readable for at least a year after switch-off.

            ## If something goes wrong

            Ask here: the community keeps the people and the stories of the last migration.
            """),
    ),
]

# Community slug -> the entries of its repertoire, in the order they are loaded.
REPERTOIRE: dict[str, list[DemoEntry]] = {
    "field-service": FIELD_SERVICE,
    "home-brewing": HOME_BREWING,
    "data-science-guild": DATA_SCIENCE,
    "nurse-educators": NURSE_EDUCATORS,
    "after-school": AFTER_SCHOOL,
    "cobol-keepers": LEGACY_SYSTEMS,
}

# Notes for reuses beyond the ones an entry names.
EXTRA_REUSE_NOTES = [
    "",
    "",
    "Worked as is.",
    "Adapted it a little for my team.",
]

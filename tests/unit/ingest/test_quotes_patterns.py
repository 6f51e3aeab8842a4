"""Attributed quotations as outlets print them, with the shipped registry and with an
empty one: the speaker must come out right both ways (the registry's id, or the
fullest name the article gives, without titles). The paragraphs are written for these
tests in the styles of several outlets."""

import pytest
import yaml

from generator.content.actors import build_matcher, parse_actor_registry
from generator.ingest.attribution import QuoteSuggestion, find_quotes
from tests.support import REPO

REGISTRY = REPO / "content" / "actors.yaml"
ACTORS = parse_actor_registry(yaml.safe_load(REGISTRY.read_text(encoding="utf-8")), path=REGISTRY)
NAMES = {actor.id: actor.name for actor in ACTORS}


@pytest.fixture(scope="module", params=["shipped", "empty"])
def matcher(request):
    return build_matcher(ACTORS if request.param == "shipped" else ())


def speaker(quote: QuoteSuggestion) -> str | None:
    """The speaker as an editor reads it, whichever registry named it."""
    return NAMES[quote.speaker_id] if quote.speaker_id else quote.speaker_name


def said(paragraphs: list[str], matcher, *, context=()) -> list[tuple[str | None, str]]:
    quotes = find_quotes(paragraphs, matcher, context=context)
    for quote in quotes:  # ingest anchors each quote at exactly this place
        paragraph = paragraphs[quote.paragraph]
        assert paragraph[quote.start : quote.start + len(quote.text)] == quote.text
    return [(speaker(q), q.text) for q in quotes]


# --- quote marks --------------------------------------------------------------


def test_curly_quote_then_said_full_name_and_role(matcher):
    paragraphs = [
        "“Our exports will keep growing this year,” said Denis Manturov, Russia's trade minister.",
        "“Nobody will stop the new plants from opening,” Manturov added.",
    ]
    assert said(paragraphs, matcher) == [
        ("Denis Manturov", "Our exports will keep growing this year"),
        ("Denis Manturov", "Nobody will stop the new plants from opening"),
    ]


def test_straight_quotes_and_role_before_the_name(matcher):
    paragraphs = ['"The port will reopen within days," said the harbour master, Aino Virtanen.']
    assert said(paragraphs, matcher) == [("Aino Virtanen", "The port will reopen within days")]


def test_bbc_single_curly_quotes_with_apostrophes_inside(matcher):
    paragraphs = [
        "Rishi Sunak visited the plant on Friday.",
        "‘We don’t take Britain’s voters for granted, and we never will,’ Mr Sunak said.",
    ]
    assert said(paragraphs, matcher) == [
        ("Rishi Sunak", "We don’t take Britain’s voters for granted, and we never will")
    ]


def test_straight_single_quotes_around_contractions_and_irish_names(matcher):
    paragraphs = [
        "Siobhan O'Brien chairs the residents' group.",
        "'We can't wait for O'Connell Street to be fixed in the '90s way,' Ms O'Brien said.",
    ]
    assert said(paragraphs, matcher) == [
        ("Siobhan O'Brien", "We can't wait for O'Connell Street to be fixed in the '90s way")
    ]


def test_apostrophes_never_open_or_close_a_quote(matcher):
    paragraphs = [
        "In the ’90s rock ’n’ roll bars filled Russia’s cities, and O’Brien’s pub was one.",
        "Fans said the ministers’ decision was odd and didn’t say why, Anna Berg said.",
        "‘It’s the ’90s all over again, isn’t it,’ said Anna Berg.",
    ]
    assert said(paragraphs, matcher) == [("Anna Berg", "It’s the ’90s all over again, isn’t it")]


def test_plural_possessive_inside_a_single_quote(matcher):
    paragraphs = ["‘The workers’ pay must rise before the winter,’ said Joanna Grant."]
    assert said(paragraphs, matcher) == [
        ("Joanna Grant", "The workers’ pay must rise before the winter")
    ]


def test_nested_quote_keeps_the_outer_one(matcher):
    paragraphs = [
        "“He told me ‘we will never give up the city’ and I believed him,” said Olena Hrytsak.",
        "‘She wrote “see you in the spring” on the last card she sent,’ said Olena Hrytsak.",
    ]
    assert said(paragraphs, matcher) == [
        ("Olena Hrytsak", "He told me ‘we will never give up the city’ and I believed him"),
        ("Olena Hrytsak", "She wrote “see you in the spring” on the last card she sent"),
    ]


# --- where the speaker is named -------------------------------------------------


def test_colon_introduction_in_the_same_paragraph(matcher):
    paragraphs = [
        "Sergei Shoigu inspected the troops.",
        "Speaking in Rostov, Shoigu said: “The offensive has achieved all of its aims.”",
    ]
    assert said(paragraphs, matcher) == [
        ("Sergei Shoigu", "The offensive has achieved all of its aims.")
    ]


def test_colon_introduction_ending_the_paragraph_before(matcher):
    paragraphs = [
        "In a video posted on Telegram, Mayor Ihor Terekhov wrote:",
        "“The city is standing, the lights are on and the schools will open.”",
    ]
    assert said(paragraphs, matcher) == [
        ("Ihor Terekhov", "The city is standing, the lights are on and the schools will open.")
    ]


def test_according_to_before_and_after(matcher):
    paragraphs = [
        "According to Amina Yusuf, “the convoy has been waiting at the border for a week”.",
        "“Nothing has moved since Tuesday at all,” according to Yusuf.",
    ]
    assert said(paragraphs, matcher) == [
        ("Amina Yusuf", "the convoy has been waiting at the border for a week"),
        ("Amina Yusuf", "Nothing has moved since Tuesday at all"),
    ]


def test_mid_quote_attribution_gives_two_quotes(matcher):
    paragraphs = [
        "“We have asked for talks three times,” Karin Lund said, “and three times we were "
        "refused.”",
        "‘The door is still open to them,’ she added, ‘but not for much longer.’",
    ]
    assert said(paragraphs, matcher) == [
        ("Karin Lund", "We have asked for talks three times"),
        ("Karin Lund", "and three times we were refused."),
        ("Karin Lund", "The door is still open to them"),
        ("Karin Lund", "but not for much longer."),
    ]


def test_second_sentence_quote_after_the_attribution(matcher):
    paragraphs = [
        "“The dam held overnight,” Pedro Alves told reporters. "
        "“We cannot promise it will hold again.”"
    ]
    assert said(paragraphs, matcher) == [
        ("Pedro Alves", "The dam held overnight"),
        ("Pedro Alves", "We cannot promise it will hold again."),
    ]


def test_quotation_over_three_paragraphs(matcher):
    paragraphs = [
        "Marta Kowalska, the union's leader, said: “We tried everything to avoid this strike.",
        "“We met the management six times and offered to freeze our demands.",
        "“Nobody can say we did not try to reach a deal.”",
        "The company did not respond.",
    ]
    assert said(paragraphs, matcher) == [
        ("Marta Kowalska", "We tried everything to avoid this strike."),
        ("Marta Kowalska", "We met the management six times and offered to freeze our demands."),
        ("Marta Kowalska", "Nobody can say we did not try to reach a deal."),
    ]


def test_quotation_over_paragraphs_attributed_where_it_ends(matcher):
    paragraphs = [
        "“The first winter was the hardest for every family in the village.",
        "“The second was only a little easier,” said Ruta Kalnina, who runs the shelter.",
    ]
    assert said(paragraphs, matcher) == [
        ("Ruta Kalnina", "The first winter was the hardest for every family in the village."),
        ("Ruta Kalnina", "The second was only a little easier"),
    ]


def test_quote_only_paragraph_continues_the_previous_speaker(matcher):
    paragraphs = [
        "Hanna Maliar toured the region.",
        "‘We will rebuild every school in the region,’ said Ms Maliar.",
        "‘And we will start with the ones closest to the front.’",
    ]
    assert said(paragraphs, matcher) == [
        ("Hanna Maliar", "We will rebuild every school in the region"),
        ("Hanna Maliar", "And we will start with the ones closest to the front."),
    ]


def test_quote_only_paragraph_after_a_new_name_is_not_the_old_speaker(matcher):
    paragraphs = [
        "“We will rebuild every school in the region,” said Hanna Maliar. Ivan Petrenko, an "
        "opposition deputy, disagreed.",
        "“There is no money for any of this in the budget.”",
    ]
    assert said(paragraphs, matcher) == [
        ("Hanna Maliar", "We will rebuild every school in the region")
    ]


def test_partial_quote_in_the_speakers_sentence(matcher):
    paragraphs = ["Fiona Walsh said the plan was “dead on arrival in its current form”."]
    assert said(paragraphs, matcher) == [("Fiona Walsh", "dead on arrival in its current form")]


def test_quoted_as_saying(matcher):
    paragraphs = [
        "Kim Jong Un watched the launch.",
        '"We must be ready for any kind of war at any time," Kim was quoted as saying.',
    ]
    assert said(paragraphs, matcher) == [
        ("Kim Jong Un", "We must be ready for any kind of war at any time")
    ]


# --- who the speaker is ---------------------------------------------------------


def test_surname_resolves_to_the_full_name_given_later(matcher):
    paragraphs = [
        "“Sanctions have not stopped a single factory,” Manturov said.",
        "Denis Manturov, who is also a deputy prime minister, spoke in Kazan.",
    ]
    assert said(paragraphs, matcher) == [
        ("Denis Manturov", "Sanctions have not stopped a single factory")
    ]


def test_surname_resolves_to_the_full_name_in_the_title(matcher):
    paragraphs = ["“Sanctions have not stopped a single factory,” Manturov said."]
    title = "Denis Manturov says Russian industry is growing"
    assert said(paragraphs, matcher, context=[title]) == [
        ("Denis Manturov", "Sanctions have not stopped a single factory")
    ]


@pytest.mark.parametrize(
    ("paragraph", "name"),
    [
        ("Parliament Speaker Nabih Berri said: “The session is adjourned until further notice.”",
         "Nabih Berri"),
        ("Dmitry Peskov, the Kremlin spokesman, told reporters: “The talks go on next week.”",
         "Dmitry Peskov"),
        ("“We are ready to talk with anyone,” Russia’s foreign minister, Sergei Lavrov, said.",
         "Sergei Lavrov"),
        ("“Help must reach the hospitals now,” said WHO Director-General Tedros Adhanom "
         "Ghebreyesus.", "Tedros Adhanom Ghebreyesus"),
        ("Sir Keir Starmer said: “We will not raise taxes on working people.”", "Keir Starmer"),
        ("“This letter is our last warning to them,” said Sen. Maria Delgado, who chairs it.",
         "Maria Delgado"),
    ],
)  # fmt: skip
def test_titles_are_left_off(matcher, paragraph, name):
    ((speaker_name, _text),) = said([paragraph], matcher)
    assert speaker_name == name


def test_title_and_surname_resolve_to_the_full_name(matcher):
    paragraphs = [
        "Tedros Adhanom Ghebreyesus arrived in Geneva. Luis Castellano met him.",
        "“The situation in the camps is dire and getting worse,” Dr Tedros said.",
        '"Our members will stay out until the offer improves," Mr. Castellano said.',
    ]
    assert [name for name, _ in said(paragraphs, matcher)] == [
        "Tedros Adhanom Ghebreyesus",
        "Luis Castellano",
    ]


def test_he_said_is_the_person_the_text_named_last(matcher):
    paragraphs = [
        "“The talks will go on next week,” said Dmitry Peskov.",
        "Ukrainian President Volodymyr Zelensky visited troops in Kharkiv on Tuesday.",
        "“We will not give up a single village to them,” he said.",
    ]
    assert said(paragraphs, matcher) == [
        ("Dmitry Peskov", "The talks will go on next week"),
        ("Volodymyr Zelensky", "We will not give up a single village to them"),
    ]


def test_a_new_name_between_quotes_takes_the_quote(matcher):
    paragraphs = [
        "“We expect the grain deal to be renewed,” said Dmitry Peskov.",
        "Turkish officials disagreed. Mehmet Sahin, a trade adviser, said: "
        "“No renewal is on the table this month.”",
    ]
    assert [name for name, _ in said(paragraphs, matcher)] == ["Dmitry Peskov", "Mehmet Sahin"]


def test_appositive_and_age_before_the_verb(matcher):
    paragraphs = [
        "“I have lived here for seventy years,” Nadiia Hrytsenko, 74, said.",
        "“The lorries queue for days at the crossing,” Tom Walsh, the haulage firm's owner, said.",
    ]
    assert [name for name, _ in said(paragraphs, matcher)] == ["Nadiia Hrytsenko", "Tom Walsh"]


def test_named_organisations_speak(matcher):
    paragraphs = [
        "Hamas said in a statement: “The proposal does not meet our demands.”",
        "“The strikes hit military targets only,” the Joint Chiefs of Staff (JCS) said.",
        "“Our forces remain on full alert tonight,” the JCS said.",
    ]
    assert [name for name, _ in said(paragraphs, matcher)] == [
        "Hamas",
        "Joint Chiefs of Staff",
        "Joint Chiefs of Staff",
    ]


def test_kremlin_is_the_registered_country_or_its_name(matcher):
    quotes = find_quotes(["‘This is an unfriendly act by Washington,’ the Kremlin said."], matcher)
    assert [(q.speaker_id, q.speaker_name) for q in quotes] in (
        [("russia", None)],
        [(None, "Kremlin")],
    )


# --- what is not an attributed quotation -----------------------------------------


@pytest.mark.parametrize(
    "paragraph",
    [
        "“The security situation remains very tense,” an official said.",
        "A spokesperson said: “We do not comment on operational matters at all.”",
        "“We do not comment on operational matters,” a Foreign Ministry spokesperson said.",
        "“The ministry has no information about the incident,” the ministry said in a statement.",
        "One Conservative MP told the BBC: “The mood in the party is grim and getting grimmer.”",
        "A European diplomat said the summit was “more theatre than real negotiation”.",
        "The report, titled “The Long Road Back to Peace”, was published on Monday.",
        "Protesters chanted “Free them all, free them now” outside the embassy.",
        "The group calls its plan a “road map to a just and lasting peace”.",
        "“We will win this war,” she said.",
        "Sergei Shoigu met Kim to discuss “strategic and tactical collaboration”.",
    ],
)
def test_unattributed_quotations_are_left_out(matcher, paragraph):
    attributed = "‘We will keep the bridge open all winter,’ said Hanna Maliar."
    assert said([paragraph, attributed], matcher) == [
        ("Hanna Maliar", "We will keep the bridge open all winter")
    ]


def test_a_quote_that_ends_its_sentence_is_not_the_next_sentences(matcher):
    paragraphs = [
        "Crowds called it “a betrayal of everything we fought for.” Lavrov said talks were over.",
        "‘We will keep the bridge open all winter,’ said Hanna Maliar.",
    ]
    assert said(paragraphs, matcher) == [
        ("Hanna Maliar", "We will keep the bridge open all winter")
    ]


# --- names as other outlets print them ----------------------------------------------


def test_post_with_for_and_a_three_part_name(matcher):
    paragraphs = [
        "“The rise is fair to workers and to employers alike,” Secretary for Transport and "
        "Housing Grace Lo Wing-yan told the Legislative Council.",
        "But union representative Kelvin Chan Siu-ming warned: “Rents will eat all of it.”",
        "“Nobody on the minimum wage will notice any difference,” he said.",
        "Lo said the review would continue. "
        "“We will look again at the figures next year,” Lo said.",
    ]
    assert [name for name, _ in said(paragraphs, matcher)] == [
        "Grace Lo Wing-yan",
        "Kelvin Chan Siu-ming",
        "Kelvin Chan Siu-ming",
        "Grace Lo Wing-yan",
    ]


def test_name_before_of_an_institution(matcher):
    paragraphs = [
        "Geologist Dr. Ines Marlow of the University of Leeds studies the cliffs.",
        '"Every winter takes another metre of this coastline away," Marlow says.',
    ]
    assert said(paragraphs, matcher) == [
        ("Ines Marlow", "Every winter takes another metre of this coastline away")
    ]


def test_capitalised_al_prefix_resolves_to_the_full_name(matcher):
    paragraphs = [
        "Iraqi Transport Minister Karim al-Juburi met his counterpart.",
        'Al-Juburi said: "The corridor will carry goods from the Gulf to Europe."',
    ]
    assert said(paragraphs, matcher) == [
        ("Karim al-Juburi", "The corridor will carry goods from the Gulf to Europe.")
    ]


def test_statement_read_by_a_named_spokesman(matcher):
    paragraphs = [
        "The council's spokesman, Colonel Idrissa Kone, read a statement on television "
        "saying the envoy “must leave the country within forty-eight hours”."
    ]
    assert said(paragraphs, matcher) == [
        ("Idrissa Kone", "must leave the country within forty-eight hours")
    ]


def test_spokesperson_for_a_department_is_unnamed(matcher):
    paragraphs = [
        "A spokesperson for the Department for Culture, Media and Sport said: "
        '"We expect the league to act on the review quickly."',
        "‘We will keep the bridge open all winter,’ said Hanna Maliar.",
    ]
    assert said(paragraphs, matcher) == [
        ("Hanna Maliar", "We will keep the bridge open all winter")
    ]


def test_names_that_are_also_months(matcher):
    paragraphs = [
        "“The camps are full and the winter is coming,” said Jan Egeland, who leads the council.",
        "“We will not be rushed into a bad deal this year,” Theresa May said in May.",
    ]
    assert [name for name, _ in said(paragraphs, matcher)] == ["Jan Egeland", "Theresa May"]


def test_a_surname_only_speaker_at_the_start_of_a_sentence(matcher):
    paragraphs = ["Zelensky wrote on Telegram: “Every drone shot down tonight saved lives.”"]
    assert said(paragraphs, matcher) == [("Zelensky", "Every drone shot down tonight saved lives.")]


def test_a_plural_group_is_no_speaker(matcher):
    paragraphs = [
        'Critics have described the plan as "a solution in search of a problem," noting the cost.',
        "‘We will keep the bridge open all winter,’ said Hanna Maliar.",
    ]
    assert said(paragraphs, matcher) == [
        ("Hanna Maliar", "We will keep the bridge open all winter")
    ]


def test_surname_without_its_al_prefix(matcher):
    paragraphs = [
        "Oman's energy minister, Salim al-Harthy, arrived in Vienna.",
        "Harthy said: “There is a consensus that the market needs support.”",
    ]
    assert said(paragraphs, matcher) == [
        ("Salim al-Harthy", "There is a consensus that the market needs support.")
    ]


def test_quote_only_paragraph_after_reported_speech_is_the_reporters_speaker(matcher):
    paragraphs = [
        "Marta Kowalska said the strike would go ahead on Monday.",
        "‘Nobody can say we did not try to reach a deal.’",
        "Russia agreed. The markets rose.",
        "“We will keep prices where they are for now.”",
    ]
    assert said(paragraphs, matcher) == [
        ("Marta Kowalska", "Nobody can say we did not try to reach a deal.")
    ]


def test_party_and_state_after_a_legislators_name(matcher):
    paragraphs = [
        "Sen. Chuck Schumer met the president.",
        "“We are not going to shut the government down this year,” Schumer, D-N.Y., said.",
    ]
    assert said(paragraphs, matcher) == [
        ("Chuck Schumer", "We are not going to shut the government down this year")
    ]


def test_two_speakers_are_no_one_speaker(matcher):
    paragraphs = [
        "“I want to thank everyone who came out today,” Smith and Jones said in a statement.",
        "‘We will keep the bridge open all winter,’ said Hanna Maliar.",
    ]
    assert said(paragraphs, matcher) == [
        ("Hanna Maliar", "We will keep the bridge open all winter")
    ]


def test_a_title_followed_by_another_verb_is_not_a_quote(matcher):
    paragraphs = [
        "“All Quiet on the Western Front” won four awards, Anna Berg said.",
        "‘We will keep the bridge open all winter,’ said Hanna Maliar.",
    ]
    assert said(paragraphs, matcher) == [
        ("Hanna Maliar", "We will keep the bridge open all winter")
    ]

# SPDX-License-Identifier: EUPL-1.2
# ruff: noqa: PLR0917 - FastAPI form handlers take one parameter per form field
"""The contract manager's writing screens: add a tariff, create a contract, record an extension
decision, end a contract, set a ceiling. Each form calls the use case the CLI calls
(:mod:`zorginkoop.services.contracts`); a wrong field is shown next to it in Dutch (400) and
nothing is stored. No personal data is read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from zorginkoop.domain.accounts import Role, User
from zorginkoop.domain.catalogue import CatalogueError as DomainCatalogueError
from zorginkoop.domain.contracts import ContractError, ContractSpec, ExtensionChoice, parse_euros
from zorginkoop.domain.money import Money
from zorginkoop.services import contracts as service
from zorginkoop.web.ui.query_params import LAW_NAMES_NL, law_options, parse_day, parse_law, parse_year
from zorginkoop.web.ui.session import CsrfChecked, WebUnitOfWork, WebUseCaseUnitOfWork, require_web_roles
from zorginkoop.web.ui.templating import render

router = APIRouter(include_in_schema=False)

ContractManager = Annotated[User, Depends(require_web_roles(Role.CONTRACTMANAGER))]
Text = Annotated[str, Form(max_length=200)]

HUB = "/contractbeheer"
FLASH_KEY = "contract_forms_flash"


@dataclass(frozen=True, slots=True)
class FormField:
    """One field of a form: a text or date input, or a select when it has options."""

    name: str
    label: str
    type: str = "text"
    options: list[tuple[str, str]] | None = None
    required: bool = True
    description: str | None = None
    empty: str | None = None
    inputmode: str | None = None


# Service refusals (one English line) to the field they are about and a Dutch text.
REFUSALS: tuple[tuple[str, str, str], ...] = (
    (
        "overlap",
        "vanaf",
        "Dit tarief overlapt met een tarief dat al bestaat voor dit product (zie de tariefhistorie).",
    ),
    ("before framework agreement", "vanaf", "Het contract begint vóór de looptijd van de raamovereenkomst."),
    (
        "after framework agreement",
        "tot",
        "Het contract loopt langer dan de raamovereenkomst zoals die nu staat. Verleng eerst de raamovereenkomst.",
    ),
    ("exists already", "aanbieder", "Deze aanbieder heeft al een contract voor dit perceel."),
    ("does not work under", "aanbieder", "Deze aanbieder werkt niet onder de wet van dit perceel."),
    ("decided already", "besluit", "Over deze verlengingsoptie van dit contract is al besloten."),
    ("too late", "datum", "Op deze datum was de termijn van het contract al afgelopen."),
    ("was ended already", "contract", "Dit contract is al beëindigd."),
    ("was ended", "contract", "Dit contract is beëindigd; het kan niet meer worden verlengd."),
    (
        "last extension option",
        "contract",
        "Dit contract loopt al tot het einde van de laatste verlengingsoptie.",
    ),
    ("no extension option", "contract", "Voor dit contract is geen verlengingsoptie (meer)."),
    (
        "has no extension options",
        "contract",
        "De raamovereenkomst van dit contract heeft geen verlengingsopties.",
    ),
    ("runs indefinitely", "contract", "Dit contract loopt voor onbepaalde tijd; er valt niets te verlengen."),
    ("starts", "datum", "Het contract begint pas na deze datum."),
    ("ends", "datum", "Het contract eindigt al eerder dan deze datum."),
    ("does not run in", "jaar", "Het contract loopt niet in dit jaar."),
    ("no tariff is in force", "vanaf", "Op de dag ervoor geldt geen tarief om te indexeren."),
)


def _refusal(message: str, fallback: str) -> tuple[str, str]:
    for fragment, name, text in REFUSALS:
        if fragment in message:
            return name, text
    return fallback, f"Dit kan niet worden opgeslagen: {message}"


def _amount(text: str, errors: dict[str, str], name: str, *, required: bool = True) -> Money | None:
    if not text.strip():
        if required:
            errors[name] = "Vul een bedrag in euro's in, bijvoorbeeld 52,10."
        return None
    try:
        return parse_euros(text)
    except ContractError as exc:
        errors[name] = (
            "Een bedrag kan niet negatief zijn."
            if "negative" in str(exc)
            else "Vul een bedrag in euro's in met hoogstens twee cijfers achter de komma, bijvoorbeeld 52,10."
        )
        return None


def _required_day(text: str, errors: dict[str, str], name: str) -> date | None:
    day = parse_day(text, errors, name)
    if day is None and name not in errors:
        errors[name] = "Vul een datum in, bijvoorbeeld 1-1-2025."
    return day


def _page(request: Request, form: str, values: dict[str, str], errors: dict[str, str],
          fields: list[FormField], status_code: int = 200) -> HTMLResponse:  # fmt: skip
    title, intro, submit_text = FORMS[form]
    return render(request, "contracts/form.html", {
        "title": title, "intro": intro, "submit_text": submit_text, "action": f"{HUB}/{form}",
        "fields": fields, "values": values, "errors": errors,
    }, status_code)  # fmt: skip


def _saved(request: Request, call: Callable[[], Any], errors: dict[str, str], fallback: str) -> Any:
    """Run the use case; its refusal becomes a Dutch error on its field (None returned)."""
    try:
        return call()
    except (ContractError, service.CatalogueError, DomainCatalogueError) as exc:
        name, text = _refusal(str(exc), fallback)
        errors[name] = text
        return None


def _done(request: Request, message: str) -> RedirectResponse:
    request.session[FLASH_KEY] = message
    return RedirectResponse(HUB, status_code=303)


FORMS = {
    "tarief": ("Tarief toevoegen", "Een tarief per eenheid van een product vanaf een datum: het tarief van de catalogus voor alle aanbieders, of de eigen prijs (inschrijvingsprijs) van één aanbieder. Een open tarief dat eerder begint, loopt tot de dag ervoor.", "Tarief opslaan"),
    "contract": ("Contract toevoegen", "Een aanbieder contracteren voor een perceel van een raamovereenkomst. Het contract loopt standaard zoals de raamovereenkomst nu loopt; het tarief is dat van de catalogus, of de eigen prijzen van de aanbieder.", "Contract opslaan"),
    "verlengen": ("Verlengingsbesluit vastleggen", "Het besluit over de eerstvolgende verlengingsoptie van een contract. Verlengen: het contract loopt tot het einde van de optie en de verlengkalender toont de optie als gebruikt. Niet verlengen: het contract eindigt zoals het nu staat.", "Besluit vastleggen"),
    "beeindigen": ("Contract beëindigen", "Een contract tussentijds beëindigen, met de laatste dag en de reden. Dat kan één keer.", "Contract beëindigen"),
    "plafond": ("Plafond instellen", "Het jaarplafond van een contract (het geldt voor elk jaar van het contract) of het bedrag van een collectief plafond in een jaar.", "Plafond opslaan"),
}  # fmt: skip


@router.get(HUB, response_class=HTMLResponse)
def hub(request: Request, _user: ContractManager) -> HTMLResponse:
    """The contract manager's writing tasks, with the outcome of the last one."""
    links = [(f"{HUB}/{form}", title, intro) for form, (title, intro, _submit) in FORMS.items()]
    return render(
        request, "contracts/hub.html", {"links": links, "flash": request.session.pop(FLASH_KEY, None)}
    )


# -- tariff ------------------------------------------------------------------------------------------


def _tariff_fields(uow: WebUnitOfWork) -> list[FormField]:
    providers = sorted(
        ((p.agb_code, f"{p.name} ({p.agb_code})") for p in uow.providers.all()), key=lambda x: x[1].lower()
    )
    return [
        FormField("wet", "Wet", options=law_options(allow_both=False)),
        FormField("product", "Productcode", description="De code uit de catalogus, bijvoorbeeld 02A01."),
        FormField("bedrag", "Tarief per eenheid in euro", inputmode="decimal", description="Bijvoorbeeld 52,10."),
        FormField("vanaf", "Geldig vanaf", type="date"),
        FormField("tot", "Geldig tot en met", type="date", required=False, description="Leeg: zonder einddatum."),
        FormField("aanbieder", "Eigen prijs van aanbieder", options=providers, required=False,
                  empty="Geen: tarief van de catalogus"),
    ]  # fmt: skip


@router.get(HUB + "/tarief", response_class=HTMLResponse)
def tariff_form(request: Request, uow: WebUnitOfWork, _user: ContractManager) -> HTMLResponse:
    return _page(request, "tarief", {"wet": "wmo"}, {}, _tariff_fields(uow))


@router.post(HUB + "/tarief", response_class=HTMLResponse, dependencies=[CsrfChecked])
def add_tariff(
    request: Request, uow: WebUnitOfWork, writer: WebUseCaseUnitOfWork, _user: ContractManager,
    wet: Text = "", product: Text = "", bedrag: Text = "", vanaf: Text = "", tot: Text = "", aanbieder: Text = "",
) -> Response:  # fmt: skip
    values = {
        "wet": wet,
        "product": product,
        "bedrag": bedrag,
        "vanaf": vanaf,
        "tot": tot,
        "aanbieder": aanbieder,
    }
    errors: dict[str, str] = {}
    law = parse_law(wet, errors, "wet", allow_both=False)
    code = product.strip().upper()
    if law is not None and not any(p.code == code for p in uow.catalogue.products(law)):
        errors["product"] = "Deze productcode staat niet in de catalogus van deze wet."
    amount = _amount(bedrag, errors, "bedrag")
    start = _required_day(vanaf, errors, "vanaf")
    end = parse_day(tot, errors, "tot")
    if start and end and end < start:
        errors["tot"] = "De einddatum ligt vóór de begindatum."
    if aanbieder and uow.providers.get(aanbieder) is None:
        errors["aanbieder"] = "Kies een aanbieder uit de lijst."
    if not errors and law is not None and amount is not None and start is not None:
        added = _saved(request, lambda: service.add_tariff(
            writer, law, code, amount, start, valid_to=end, provider_agb=aanbieder or None), errors, "vanaf")  # fmt: skip
        if added is not None:
            whose = f" voor aanbieder {aanbieder}" if aanbieder else ""
            return _done(
                request, f"Tarief {code}{whose} opgeslagen: € {amount.format_nl()} vanaf {start:%d-%m-%Y}."
            )
    return _page(request, "tarief", values, errors, _tariff_fields(uow), 400)


# -- contract ----------------------------------------------------------------------------------------


def _provider_options(uow: WebUnitOfWork) -> list[tuple[str, str]]:
    return sorted(
        ((p.agb_code, f"{p.name} ({p.agb_code})") for p in uow.providers.all()), key=lambda x: x[1].lower()
    )


def _contract_fields(uow: WebUnitOfWork) -> list[FormField]:
    lots = [(f"{fw.code}|{lot.code}", f"{fw.name}: perceel {lot.name} ({LAW_NAMES_NL[lot.law]})")
            for fw in uow.contracts.frameworks() for lot in fw.lots]  # fmt: skip
    return [
        FormField("aanbieder", "Aanbieder", options=_provider_options(uow), empty="Kies een aanbieder"),
        FormField("perceel", "Raamovereenkomst en perceel", options=lots, empty="Kies een perceel"),
        FormField("vanaf", "Begindatum", type="date", required=False, description="Leeg: het begin van de raamovereenkomst."),
        FormField("tot", "Einddatum", type="date", required=False, description="Leeg: het einde van de raamovereenkomst zoals die nu loopt."),
        FormField("plafond", "Jaarplafond in euro", required=False, inputmode="decimal", description="Leeg: geen plafond."),
    ]  # fmt: skip


@router.get(HUB + "/contract", response_class=HTMLResponse)
def contract_form(request: Request, uow: WebUnitOfWork, _user: ContractManager) -> HTMLResponse:
    return _page(request, "contract", {}, {}, _contract_fields(uow))


@router.post(HUB + "/contract", response_class=HTMLResponse, dependencies=[CsrfChecked])
def create_contract(
    request: Request, uow: WebUnitOfWork, writer: WebUseCaseUnitOfWork, _user: ContractManager,
    aanbieder: Text = "", perceel: Text = "", vanaf: Text = "", tot: Text = "", plafond: Text = "",
) -> Response:  # fmt: skip
    values = {"aanbieder": aanbieder, "perceel": perceel, "vanaf": vanaf, "tot": tot, "plafond": plafond}
    errors: dict[str, str] = {}
    if uow.providers.get(aanbieder) is None:
        errors["aanbieder"] = "Kies een aanbieder uit de lijst."
    framework, _sep, lot = perceel.partition("|")
    known = {(fw.code, x.code) for fw in uow.contracts.frameworks() for x in fw.lots}
    if (framework, lot) not in known:
        errors["perceel"] = "Kies een perceel uit de lijst."
    start, end = parse_day(vanaf, errors, "vanaf"), parse_day(tot, errors, "tot")
    ceiling = _amount(plafond, errors, "plafond", required=False)
    if not errors:
        spec = ContractSpec(aanbieder, framework, lot, start, end, ceiling=ceiling)
        number = _saved(request, lambda: service.create_contract(writer, spec), errors, "perceel")
        if number is not None:
            return _done(request, f"Contract {number} opgeslagen.")
    return _page(request, "contract", values, errors, _contract_fields(uow), 400)


# -- extension and end -------------------------------------------------------------------------------


def _contract_options(uow: WebUnitOfWork, *, ending: bool) -> list[tuple[str, str]]:
    names = uow.providers.names()
    return [
        (c.number, f"{c.number}: {names.get(c.provider_agb, c.provider_agb)}, tot {c.valid.end:%d-%m-%Y}"
         if c.valid.end else f"{c.number}: {names.get(c.provider_agb, c.provider_agb)}, onbepaalde tijd")
        for c in uow.contracts.contracts()
        if ending or c.valid.end is not None
    ]  # fmt: skip


def _extension_fields(uow: WebUnitOfWork) -> list[FormField]:
    return [
        FormField("contract", "Contract", options=_contract_options(uow, ending=False), empty="Kies een contract"),
        FormField("besluit", "Besluit", options=[(ExtensionChoice.EXTEND.value, "Verlengen"),
                                                 (ExtensionChoice.DECLINE.value, "Niet verlengen")]),
        FormField("datum", "Datum van het besluit", type="date"),
    ]  # fmt: skip


@router.get(HUB + "/verlengen", response_class=HTMLResponse)
def extension_form(request: Request, uow: WebUnitOfWork, _user: ContractManager) -> HTMLResponse:
    values = {"besluit": ExtensionChoice.EXTEND.value, "datum": date.today().isoformat()}
    return _page(request, "verlengen", values, {}, _extension_fields(uow))


@router.post(HUB + "/verlengen", response_class=HTMLResponse, dependencies=[CsrfChecked])
def record_extension(
    request: Request, uow: WebUnitOfWork, writer: WebUseCaseUnitOfWork, _user: ContractManager,
    contract: Text = "", besluit: Text = "", datum: Text = "",
) -> Response:  # fmt: skip
    values = {"contract": contract, "besluit": besluit, "datum": datum}
    errors: dict[str, str] = {}
    if uow.contracts.contract(contract) is None:
        errors["contract"] = "Kies een contract uit de lijst."
    choice = next((c for c in ExtensionChoice if c.value == besluit), None)
    if choice is None:
        errors["besluit"] = "Kies verlengen of niet verlengen."
    day = _required_day(datum, errors, "datum")
    if not errors and choice is not None and day is not None:
        done = _saved(
            request, lambda: service.extend_contract(writer, contract, choice, day), errors, "contract"
        )
        if done is not None:
            until = f"{done.valid_until:%d-%m-%Y}" if done.valid_until else "onbepaalde tijd"
            verb = "verlengd" if choice is ExtensionChoice.EXTEND else "niet verlengd"
            return _done(
                request,
                f"Contract {contract}: optie {done.option.number} {verb}; het loopt tot en met {until}.",
            )
    return _page(request, "verlengen", values, errors, _extension_fields(uow), 400)


def _end_fields(uow: WebUnitOfWork) -> list[FormField]:
    return [
        FormField("contract", "Contract", options=_contract_options(uow, ending=True), empty="Kies een contract"),
        FormField("datum", "Laatste dag van het contract", type="date"),
        FormField("reden", "Reden", description="Bijvoorbeeld: faillissement, op verzoek van de aanbieder."),
    ]  # fmt: skip


@router.get(HUB + "/beeindigen", response_class=HTMLResponse)
def end_form(request: Request, uow: WebUnitOfWork, _user: ContractManager) -> HTMLResponse:
    return _page(request, "beeindigen", {}, {}, _end_fields(uow))


@router.post(HUB + "/beeindigen", response_class=HTMLResponse, dependencies=[CsrfChecked])
def end_contract(
    request: Request, uow: WebUnitOfWork, writer: WebUseCaseUnitOfWork, _user: ContractManager,
    contract: Text = "", datum: Text = "", reden: Text = "",
) -> Response:  # fmt: skip
    values = {"contract": contract, "datum": datum, "reden": reden}
    errors: dict[str, str] = {}
    if uow.contracts.contract(contract) is None:
        errors["contract"] = "Kies een contract uit de lijst."
    day = _required_day(datum, errors, "datum")
    if not reden.strip():
        errors["reden"] = "Vul de reden in."
    if not errors and day is not None:
        ended = _saved(
            request, lambda: service.end_contract(writer, contract, day, reden), errors, "contract"
        )
        if ended is not None:
            return _done(request, f"Contract {contract} eindigt op {day:%d-%m-%Y}.")
    return _page(request, "beeindigen", values, errors, _end_fields(uow), 400)


# -- ceiling -----------------------------------------------------------------------------------------


def _ceiling_fields(uow: WebUnitOfWork) -> list[FormField]:
    collective = sorted(
        {(c.code, f"Collectief plafond {c.name} ({c.code})") for c in uow.contracts.collective_ceilings()}
    )
    return [
        FormField("doel", "Contract of collectief plafond", options=[*collective, *_contract_options(uow, ending=True)],
                  empty="Kies een contract of collectief plafond"),
        FormField("jaar", "Jaar", inputmode="numeric"),
        FormField("bedrag", "Plafond in euro", inputmode="decimal", description="Bijvoorbeeld 250.000,00."),
    ]  # fmt: skip


@router.get(HUB + "/plafond", response_class=HTMLResponse)
def ceiling_form(request: Request, uow: WebUnitOfWork, _user: ContractManager) -> HTMLResponse:
    return _page(request, "plafond", {"jaar": str(date.today().year)}, {}, _ceiling_fields(uow))


@router.post(HUB + "/plafond", response_class=HTMLResponse, dependencies=[CsrfChecked])
def set_ceiling(
    request: Request, uow: WebUnitOfWork, writer: WebUseCaseUnitOfWork, _user: ContractManager,
    doel: Text = "", jaar: Text = "", bedrag: Text = "",
) -> Response:  # fmt: skip
    values = {"doel": doel, "jaar": jaar, "bedrag": bedrag}
    errors: dict[str, str] = {}
    known = {c.code for c in uow.contracts.collective_ceilings()} | {
        c.number for c in uow.contracts.contracts()
    }
    if doel not in known:
        errors["doel"] = "Kies een contract of collectief plafond uit de lijst."
    year = parse_year(jaar, errors, "jaar")
    if year is None and "jaar" not in errors:
        errors["jaar"] = "Vul een jaartal in van vier cijfers, bijvoorbeeld 2025."
    amount = _amount(bedrag, errors, "bedrag")
    if not errors and year is not None and amount is not None:
        kind = _saved(request, lambda: service.set_ceiling(writer, doel, year, amount), errors, "doel")
        if kind is not None:
            what = "Het jaarplafond van contract" if kind == "contract" else "Het collectieve plafond"
            return _done(request, f"{what} {doel} is € {amount.format_nl()} in {year}.")
    return _page(request, "plafond", values, errors, _ceiling_fields(uow), 400)

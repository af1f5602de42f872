"""The words the pages show for the codes armtrace stores, marked for translation.

The pages translate a stored code (a status, an outcome, a failure reason...) with
`_(code)`. Gettext finds only literal strings, so each code is written here once, in its
English wording, for the catalogues; the English catalogue maps each code to that wording.
"""

from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark, translate later"
    return message


WORDS = {
    # weapon statuses
    "held": N_("held"), "in_stock": N_("in_stock"), "exported": N_("exported"), "lost": N_("lost"),
    "stolen": N_("stolen"), "recovered": N_("recovered"), "deactivated": N_("deactivated"),
    "destroyed": N_("destroyed"),
    # lifecycle events
    "manufactured": N_("manufactured"), "marked": N_("marked"), "imported": N_("imported"),
    "transferred": N_("transferred"), "stock_in": N_("stock_in"), "stock_out": N_("stock_out"),
    "correction": N_("correction"),
    # marks
    "manufacture": N_("manufacture"), "import": N_("import"), "state": N_("state"), "assigned": N_("assigned"),
    "confiscation": N_("confiscation"), "deactivation": N_("deactivation"), "secondary": N_("secondary"),
    # categories
    "revolver": N_("revolver"), "self_loading_pistol": N_("self_loading_pistol"), "rifle": N_("rifle"),
    "carbine": N_("carbine"), "shotgun": N_("shotgun"), "sub_machine_gun": N_("sub_machine_gun"),
    "assault_rifle": N_("assault_rifle"), "light_machine_gun": N_("light_machine_gun"),
    "heavy_machine_gun": N_("heavy_machine_gun"), "grenade_launcher": N_("grenade_launcher"),
    "portable_anti_aircraft_gun": N_("portable_anti_aircraft_gun"),
    "portable_anti_tank_gun": N_("portable_anti_tank_gun"), "recoilless_rifle": N_("recoilless_rifle"),
    "anti_tank_launcher": N_("anti_tank_launcher"), "manpads": N_("manpads"), "mortar": N_("mortar"),
    # tracing requests
    "drafted": N_("drafted"), "sent": N_("sent"), "acknowledged": N_("acknowledged"), "answered": N_("answered"),
    "withdrawn": N_("withdrawn"), "routine": N_("routine"), "urgent": N_("urgent"),
    "acknowledgement": N_("acknowledgement"), "answer": N_("answer"),
    "traced": N_("traced"), "partially_traced": N_("partially_traced"), "not_traced": N_("not_traced"),
    "delayed": N_("delayed"), "refused": N_("refused"),
    "criminal_investigation": N_("criminal_investigation"), "confidentiality_law": N_("confidentiality_law"),
    "national_security": N_("national_security"),
    "too_old_pre_records": N_("too_old_pre_records"), "serial_invalid": N_("serial_invalid"),
    "serial_obliterated": N_("serial_obliterated"), "manufacturer_unidentified": N_("manufacturer_unidentified"),
    "importer_unidentified": N_("importer_unidentified"), "description_incomplete": N_("description_incomplete"),
    "record_not_found": N_("record_not_found"), "record_destroyed_retention": N_("record_destroyed_retention"),
    "business_closed_records_missing": N_("business_closed_records_missing"), "no_response": N_("no_response"),
    # what the information sought is for (ITI para 17(c)); criminal_investigation is above
    "prosecution": N_("prosecution"), "intelligence_analysis": N_("intelligence_analysis"),
    "stockpile_or_loss_investigation": N_("stockpile_or_loss_investigation"),
    "administrative_or_licensing_inquiry": N_("administrative_or_licensing_inquiry"), "other": N_("other"),
    # the essential elements of the marks (ISACS 05.31)
    "manufacturer": N_("manufacturer"), "model": N_("model"), "serial": N_("serial"), "country": N_("country"),
    # acts in a request's life
    "contact_notified": N_("contact_notified"), "contact_mail_failed": N_("contact_mail_failed"),
    "received": N_("received"), "receipt": N_("receipt"), "reminder_sent": N_("reminder_sent"),
    "reminder_received": N_("reminder_received"), "answered:traced": N_("answered:traced"),
    "answered:partially_traced": N_("answered:partially_traced"), "answered:not_traced": N_("answered:not_traced"),
    "answered:delayed": N_("answered:delayed"), "answered:refused": N_("answered:refused"),
    # acts that need two people (domain/approvals.py)
    "retention:purge": N_("retention:purge"), "registry:correct_holder": N_("registry:correct_holder"),
    "tracing:disclose": N_("tracing:disclose"), "registry:explain_difference": N_("registry:explain_difference"),
    # a business's closure and the differences of its books (domain/closures.py)
    "closing": N_("closing"), "closed": N_("closed"), "missing": N_("missing"), "mismatch": N_("mismatch"),
    # an approval's life (domain/approvals.py)
    "pending": N_("pending"), "approved": N_("approved"), "rejected": N_("rejected"), "failed": N_("failed"),
    # a weapon's marking and origin (domain/registry.py)
    "partially_obliterated": N_("partially_obliterated"), "obliterated": N_("obliterated"),
    "unmarked": N_("unmarked"), "industrial": N_("industrial"), "craft": N_("craft"),
    "3d_printed": N_("3d_printed"), "converted": N_("converted"), "unknown": N_("unknown"),
    # why a peer's message was refused (exchange/envelope.py, domain/messages.py)
    "malformed": N_("malformed"), "unsigned": N_("unsigned"), "wrong_recipient": N_("wrong_recipient"),
    "unknown_sender": N_("unknown_sender"), "bad_signature": N_("bad_signature"), "clock_skew": N_("clock_skew"),
    "replay": N_("replay"), "too_large": N_("too_large"), "unknown_type": N_("unknown_type"),
    "malformed_body": N_("malformed_body"), "invalid_content": N_("invalid_content"), "foreign_id": N_("foreign_id"),
    "duplicate_id": N_("duplicate_id"), "unknown_request": N_("unknown_request"), "not_yours": N_("not_yours"),
    "wrong_state": N_("wrong_state"), "unknown_attachment": N_("unknown_attachment"),
    "unknown_anchor": N_("unknown_anchor"),
    # a request's direction
    "incoming": N_("incoming"), "outgoing": N_("outgoing"),
    # error titles (domain/errors.py)
    "e1": N_("The request could not be carried out"), "e2": N_("Not found"),
    "e3": N_("Conflicts with an existing record"), "e4": N_("Breaks a rule"), "e5": N_("Not permitted"),
    "e6": N_("Sign-in required"), "e7": N_("Outside the permitted time"), "e8": N_("Too large"),
}  # fmt: skip

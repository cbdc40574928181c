"""The opinion form of the county, city and formal review tiers."""

from django import forms

from core.forms import BoundedFormMixin

from ..constants import FORMAL_CHECKS, Decision

NO_OPINION = "请对该条件表态（同意或不同意），或勾选“全部同意”。"
NO_REASON = "请说明不同意的理由。"


class OpinionForm(BoundedFormMixin, forms.Form):
    """Per condition (Art. 6 rules, its qualitative parts, Art. 7) agree/disagree with a comment, the formal
    checklist, and the decision. Every condition needs an opinion: "全部同意" marks every condition left open as
    agreed (an explicit disagreement stays), server-side; a disagreement needs its reason. All problems are shown
    at once."""

    expected_state = forms.CharField(widget=forms.HiddenInput)
    agree_all = forms.BooleanField(
        label="全部同意：未单独表态的条件均为“同意”（单独选择“不同意”的条件保持不同意）", required=False
    )
    decision = forms.ChoiceField(label="审核结论", choices=Decision.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label="审核意见 / 退回或不予推荐的理由", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, rows=(), tier=None, checklist_initial=None, allow_pass=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.rule_rows = []
        for row in rows:
            agree = forms.TypedChoiceField(
                label=f"{row.code} {row.title}",
                choices=[("", "未表态"), ("1", "同意"), ("0", "不同意")],
                coerce=lambda v: {"1": True, "0": False}.get(v),
                empty_value=None,
                required=False,
            )
            note = forms.CharField(label=f"{row.code} 意见说明", required=False, max_length=1000)
            self.fields[f"cond_{row.code}"] = agree
            self.fields[f"cond_{row.code}_comment"] = note
            self.rule_rows.append((row, f"cond_{row.code}", f"cond_{row.code}_comment"))
        self.check_keys = []
        if tier == "formal":
            for key, label in FORMAL_CHECKS:
                self.fields[f"check_{key}"] = forms.BooleanField(
                    label=str(label), required=False, initial=(checklist_initial or {}).get(key)
                )
                self.check_keys.append(key)
        if not allow_pass:
            self.fields["decision"].choices = [c for c in Decision.choices if c[0] != Decision.PASS]

    def clean(self):
        data = super().clean()
        agree_all = data.get("agree_all")
        # A pass needs an opinion on every condition; a return or refusal names the ones it disagrees with.
        passing = data.get("decision") == Decision.PASS
        for _row, agree, note in self.rule_rows:
            value = data.get(agree)
            if value is None and passing and not agree_all and agree not in self.errors:
                self.add_error(agree, NO_OPINION)
            if value is False and not (data.get(note) or "").strip():
                self.add_error(note, NO_REASON)
        return data

    def rule_fields(self):
        return [(r, self[a], self[b]) for r, a, b in self.rule_rows]

    def check_fields(self):
        return [self[f"check_{k}"] for k in self.check_keys]

    def conditions(self):
        """{code: {"agree", "comment"}} for every condition; "全部同意" fills the ones left open."""
        agree_all = self.cleaned_data.get("agree_all")
        out = {}
        for r, a, b in self.rule_rows:
            value = self.cleaned_data.get(a)
            if value is None and agree_all:
                value = True
            if value is not None:
                out[r.code] = {"agree": value, "comment": self.cleaned_data.get(b, "")}
        return out

    def checklist(self):
        return {k: self.cleaned_data.get(f"check_{k}", False) for k in self.check_keys}

"""The opinion form of the county, city and formal review tiers."""

from django import forms

from ..constants import FORMAL_CHECKS, Decision


class OpinionForm(forms.Form):
    """Per Art. 6 condition agree/disagree with a comment, the formal checklist, and the decision."""

    expected_state = forms.CharField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(label="审核结论", choices=Decision.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label="审核意见 / 退回或不予推荐的理由", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, results=(), tier=None, checklist_initial=None, allow_pass=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.rule_rows = []
        for r in results:
            agree = forms.TypedChoiceField(
                label=f"{r.code} {r.title}",
                choices=[("", "未表态"), ("1", "同意"), ("0", "不同意")],
                coerce=lambda v: {"1": True, "0": False}.get(v),
                empty_value=None,
                required=False,
            )
            note = forms.CharField(label=f"{r.code} 意见说明", required=False, max_length=1000)
            self.fields[f"cond_{r.code}"] = agree
            self.fields[f"cond_{r.code}_comment"] = note
            self.rule_rows.append((r, f"cond_{r.code}", f"cond_{r.code}_comment"))
        self.check_keys = []
        if tier == "formal":
            for key, label in FORMAL_CHECKS:
                self.fields[f"check_{key}"] = forms.BooleanField(
                    label=str(label), required=False, initial=(checklist_initial or {}).get(key)
                )
                self.check_keys.append(key)
        if not allow_pass:
            self.fields["decision"].choices = [c for c in Decision.choices if c[0] != Decision.PASS]

    def rule_fields(self):
        return [(r, self[a], self[b]) for r, a, b in self.rule_rows]

    def check_fields(self):
        return [self[f"check_{k}"] for k in self.check_keys]

    def conditions(self):
        return {
            r.code: {"agree": self.cleaned_data.get(a), "comment": self.cleaned_data.get(b, "")}
            for r, a, b in self.rule_rows
            if self.cleaned_data.get(a) is not None
        }

    def checklist(self):
        return {k: self.cleaned_data.get(f"check_{k}", False) for k in self.check_keys}

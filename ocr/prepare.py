"""Everything done to a page before Tesseract sees it: quality verdict, the sheet found and
warped flat, which way up (guessed without coloured ink, a turn checked on a band before it
stands, or by the page's own reading when hundreds of letters agree on it), deskew, seal and
signature ink faded, light flattened, streaks lifted, speckle cleaned, the x-height brought into
Tesseract's range, long rules erased.

Split from `ocr.pipeline` (which reads the prepared page and assembles the result) to keep each
module readable; the pipeline's second opinion uses `as_given`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image

from models.recognition import PageCheck, PagePose, QualityVerdict
from ocr import geometry, inks, orientation, photometry
from ocr.checks import Reader, check_turn
from ocr.quality import assess_gray

A4_WIDTH_INCHES = 8.27
# Paper of Vietnamese administration is A4 (Decree 30/2020): when a file does not say its
# resolution (photos), the page's short side is taken as 210 mm to size the PDF page.


@dataclass(frozen=True)
class PreparedPage:
    image: Image.Image
    """What Tesseract reads: grey, upright, flat, clean, at a good x-height."""
    colour: Image.Image
    """The same page, upright and flat but in its own colours and scale, for the PDF."""
    pose: PagePose
    quality: QualityVerdict
    checks: list[PageCheck]
    """What was checked rather than trusted on the way, and what each check decided."""
    x_height: float | None
    """Of the letters in `image`, in its pixels."""
    faded: NDArray[np.uint8] | None = None
    """`colour` in grey with all its coloured ink faded (`photometry.drop_colour_ink`), where
    the page has coloured ink: the table finder's input, made once with the ink steps'."""
    turn_unchecked: bool = False
    """The page was turned on letters' evidence so strong (`overwhelming`) that no band was read
    first: the page's own reading is the check (`ocr.pipeline.recognise_page`)."""

    def turned(self, degrees: int) -> PreparedPage:
        """The same page turned counter-clockwise by a right angle (after a check's verdict)."""
        if degrees % 360 == 0:
            return self
        image = geometry.rotate_right_angle(np.asarray(self.image), degrees)
        colour = geometry.rotate_right_angle(np.asarray(self.colour), degrees)
        faded = None if self.faded is None else geometry.rotate_right_angle(self.faded, degrees)
        pose = self.pose.model_copy(update={"turn": (self.pose.turn + degrees) % 360})
        return dataclasses.replace(
            self,
            image=Image.fromarray(image),
            colour=Image.fromarray(colour),
            pose=pose,
            faded=faded,
        )


def source_dpi(original: Image.Image, colour: Image.Image) -> float:
    """The scan's resolution as its file states it, else as if the page were A4 wide."""
    stated = original.info.get("dpi")
    if isinstance(stated, tuple) and stated and 70 <= float(stated[0]) <= 1200:
        return float(stated[0])
    return min(colour.size) / A4_WIDTH_INCHES


def prepare_page(image: Image.Image, *, read: Reader | None = None) -> PreparedPage:
    """Everything done to a page before Tesseract sees it.

    With `read` (Tesseract, bound to the request's languages), a turn the letters suggest is
    checked on a band of the page before it is made (`ocr.checks.check_turn`); without it the
    guess is taken as it is (benchmarks of single stages).
    """
    colour: NDArray[np.uint8] = np.asarray(
        image if image.mode in ("L", "RGB") else image.convert("RGB")
    )
    if colour.ndim == 3 and (grey := photometry.grey_of(colour)) is not None:
        colour = grey
    luminance = (
        colour if colour.ndim == 2 else geometry.u8(cv2.cvtColor(colour, cv2.COLOR_RGB2GRAY))
    )
    verdict = assess_gray(luminance)
    if verdict.blank:
        return PreparedPage(Image.fromarray(luminance), image, PagePose(), verdict, [], None)

    # Geometry: a photographed sheet is warped flat first, then turned upright and deskewed.
    quad = geometry.find_page_quad(luminance)
    if quad is not None:
        colour = geometry.warp_quad(colour, quad)
        # a grey scan has a sheet to find too: a copy with black bands where no paper was
        luminance = (
            colour if colour.ndim == 2 else geometry.u8(cv2.cvtColor(colour, cv2.COLOR_RGB2GRAY))
        )
    inked = colour.ndim == 3 and photometry.has_colour_ink(colour)
    # Which way up is told without any coloured ink (a seal's ring of letters votes every way);
    # which coloured ink is print and which a seal or signature is told on the upright page,
    # where print runs in lines (a sideways card lost its red title).
    channels = photometry.extremes(colour) if inked else None
    plain = photometry.drop_colour_ink(colour, channels=channels) if inked else luminance
    # The verdict's x-height holds unless the page was warped (a photo's sheet changes scale).
    letters = verdict.x_height
    if quad is not None or letters is None:
        _, ink = cv2.threshold(plain, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
        letters = photometry.x_height(ink > 0)
    guess = orientation.guess_pose(plain, letters)
    letters = guess.x_height  # measured along the lines, however the page lay
    bilevel = photometry.is_bilevel(plain)
    # A 1-bit page is read as it lies under BILEVEL_MIN_SKEW; any page under MIN_SKEW
    # (`geometry.applied_skew`).
    lies = bilevel and abs(guess.skew) < geometry.BILEVEL_MIN_SKEW
    pose = geometry.Pose(turn=guess.turn, skew=0.0 if lies else guess.skew)
    faded = None
    if inked:
        if pose.turn or geometry.applied_skew(pose):
            colour = geometry.apply_pose(colour, pose)
            gray, faded = inks.drop_inks(colour)  # seals, signatures; not print
        else:  # the page as it lay is upright: its channels and faded grey hold
            gray, faded = inks.drop_inks(colour, channels=channels, everything=plain)
    else:
        gray = geometry.apply_pose(luminance, pose)
        # Without coloured ink the colour of the upright page serves only a flattened photo's
        # PDF picture (a page laid flat is drawn from its own file, turned by the PDF): regions
        # and tables look at its grey. Turning three channels cost ~10 ms an A4 page.
        colour = (
            geometry.apply_pose(colour, pose) if colour.ndim == 3 and quad is not None else gray
        )

    # Photometry: flatten light, lift streaks and faded ink, clean speckle, bring the x-height
    # into Tesseract's range, erase long rules. Tesseract gets this even grey page, not our
    # binarisation (its LSTM reads faint strokes from grey values).
    scale = photometry.resample_factor(letters)
    if bilevel:
        # A fax or 1-bit scan has no light to flatten and no grey to stretch; measured on the
        # benchmark, every photometric step only thinned or broke its strokes.
        prepared = photometry.resample(gray, scale)
    else:
        flat = photometry.flatten(gray, text_height=letters)
        flat = photometry.stretch(photometry.remove_streaks(flat))
        if photometry.noise_level(flat) > 12:
            flat = photometry.denoise(flat)
        prepared = photometry.erase_rules(
            photometry.resample(flat, scale), text_height=letters * scale
        )
    page = PreparedPage(
        image=Image.fromarray(prepared),
        colour=Image.fromarray(colour),
        pose=PagePose(
            flattened=quad is not None,
            turn=pose.turn,
            skew=round(geometry.applied_skew(pose), 2),
            scale=round(scale, 4) if scale != 1.0 else 1.0,
        ),
        quality=verdict,
        checks=[_guess_record(guess)],
        x_height=letters * scale,
        faded=faded,
    )
    # Upright on the letters' say-so only when they said enough: a blurred photo of a sideways
    # card left five letter shapes to vote, its "0°" stood unchecked and Tesseract read the card
    # sideways (88 % CER). With so little evidence the page is checked on a band like a turn.
    weak = guess.lines.for_ + guess.lines.against < WEAK_VOTE
    if guess.turn and overwhelming(guess):
        # Hundreds of letters agree: the band read (a quarter of a second) would only say so
        # again. The turn is checked all the same, by the whole page's reading, which is made
        # anyway; a page that then reads implausibly gets the band checks and a second pass.
        page = dataclasses.replace(page, turn_unchecked=True)
    elif (guess.turn or weak) and read is not None:
        # A turn is the riskiest thing done to a page: a band is read before it stands.
        checked = check_turn(prepared, guess.turn, page.x_height or 25.0, read)
        page = page.turned(checked.extra)
        page = dataclasses.replace(page, checks=[*page.checks, checked.record])
    return page


WEAK_VOTE = 20
"""Fewer letters than this voting for either axis is no evidence that a page lies upright."""
STRONG_LINES, STRONG_MARKS = 300, 100
"""A turn stands on the letters' say-so (checked by the page's reading, not a band first) when
at least this many letters vote for the axis, ten times as many as against it, and at least
this many marks for the way up, twice as many as against. Measured on 229 pages (nomvn-dev,
real scans, the generated hard, table and recognition sets): every guess that a band overturned
had 18 marks or fewer for it and against it nearly as many; turned full pages have 750-940
letters and 120-400 marks, at 1.8-19 times those against."""


def overwhelming(guess: orientation.Guess) -> bool:
    """Whether the letters' votes for `guess` leave no doubt worth a band read."""
    lines, marks = guess.lines, guess.marks
    return (
        lines.for_ >= STRONG_LINES
        and lines.for_ >= 10 * lines.against
        and marks.for_ >= STRONG_MARKS
        and marks.for_ >= 2 * marks.against
    )


def _guess_record(guess: orientation.Guess) -> PageCheck:
    return PageCheck(
        name="orientation guess",
        decision=f"{guess.turn}°, skew {round(guess.skew, 2)}°",
        tesseract=False,
        evidence={
            "letters along lines": guess.lines.for_,
            "letters across lines": guess.lines.against,
            "marks above letters": guess.marks.for_,
            "marks below letters": guess.marks.against,
        },
    )


def as_given(image: Image.Image) -> PreparedPage:
    """The page exactly as the file has it, for the reading it gets with nothing done."""
    colour = image if image.mode in ("L", "RGB") else image.convert("RGB")
    gray = colour.convert("L")
    verdict = assess_gray(np.asarray(gray))
    return PreparedPage(gray, colour, PagePose(), verdict, [], verdict.x_height)
